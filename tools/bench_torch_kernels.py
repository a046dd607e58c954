#!/usr/bin/env python3
"""GEMM and convolution throughput of torch next to RetinaSharp's, measured in one run.

Run with Debian's python3 (python3-torch) after building the CLI in Release:
    /usr/bin/python3 tools/bench_torch_kernels.py [--threads 2] [--rounds 3]
Alternates torch and `retina bench` rounds so that load on a shared machine hits both, and
prints each side's median GFLOPS and the ratio ours / torch.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETINA = os.path.join(ROOT, "src", "RetinaSharp.Cli", "bin", "Release", "net10.0", "retina")


def median_time(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def torch_gemm(n, repeats):
    a, b = torch.randn(n, n), torch.randn(n, n)
    s = median_time(lambda: torch.mm(a, b), repeats)
    return 2 * n ** 3 / s / 1e9


def torch_conv(c, h, w, repeats):
    x = torch.randn(1, c, h, w, requires_grad=True)
    conv = torch.nn.Conv2d(c, c, 3, padding=1)
    with torch.no_grad():
        fwd = median_time(lambda: conv(x), repeats)
    up = torch.randn(1, c, h, w)

    def fb():
        conv.zero_grad()
        x.grad = None
        conv(x).backward(up)

    fb_t = median_time(fb, repeats)
    flops = 2 * c * h * w * c * 9
    return flops / fwd / 1e9, 3 * flops / fb_t / 1e9


def ours(args):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    subprocess.run([RETINA, "bench"] + args + ["--json", path], check=True, stdout=subprocess.DEVNULL)
    with open(path) as f:
        r = json.load(f)
    os.unlink(path)
    return r


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--gemm", type=int, default=2048)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    t = str(a.threads)
    res = {k: [] for k in ["tg", "og", "tf", "of", "tfb", "ofb"]}
    for _ in range(a.rounds):
        res["tg"].append(torch_gemm(a.gemm, 5))
        res["og"].append(ours(["gemm", "--m", str(a.gemm), "--n", str(a.gemm), "--k", str(a.gemm), "--threads", t, "--repeats", "5"])["gflops"])
        f, fb = torch_conv(256, 100, 136, 5)
        res["tf"].append(f)
        res["tfb"].append(fb)
        o = ours(["conv", "--threads", t, "--repeats", "5"])
        res["of"].append(o["forward_gflops"])
        res["ofb"].append(o["forward_backward_gflops"])
    m = {k: statistics.median(v) for k, v in res.items()}
    print(f"torch {torch.__version__}, {a.threads} threads, {a.rounds} interleaved rounds (median GFLOPS)")
    print(f"{'benchmark':<34}{'torch':>9}{'ours':>9}{'ours/torch':>12}")
    for name, tk, ok in [(f"sgemm {a.gemm}^3", "tg", "og"), ("conv3x3 256->256 100x136 fwd", "tf", "of"),
                         ("conv3x3 256->256 100x136 fwd+bwd", "tfb", "ofb")]:
        print(f"{name:<34}{m[tk]:>9.1f}{m[ok]:>9.1f}{m[ok] / m[tk]:>12.2f}")


if __name__ == "__main__":
    main()

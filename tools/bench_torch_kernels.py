#!/usr/bin/python3
"""Compare RetinaSharp's GEMM and convolution kernels with PyTorch on the same shapes.

Starts `retina bench gemm|conv --paced` and alternates single timed runs of it and of the equivalent
torch code (ours first on even runs, torch first on odd ones), so that load from other processes on a
shared machine hits both sides alike; prints median GFLOPS and the ratio ours/torch.

For GEMM two torch baselines are printed: oneDNN's fp32 matmul (a torch.nn.Linear converted with
torch.utils.mkldnn; oneDNN is also what torch uses for convolutions), interleaved, and torch.mm
(whatever BLAS this torch build links), timed separately because it can be very slow.

Usage (from the repository root, after `dotnet build src/RetinaSharp.Cli -c Release`):
    /usr/bin/python3 tools/bench_torch_kernels.py [gemm|conv|all] [--threads 2] [--repeats 15]
    /usr/bin/python3 tools/bench_torch_kernels.py gemm --ours result.json   # compare with a saved --json result
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F
import torch.utils.mkldnn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_RETINA = os.path.join(REPO, "src", "RetinaSharp.Cli", "bin", "Release", "net10.0", "retina.dll")


def median_seconds(fn, warmups, repeats):
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Ours:
    """`retina bench ... --paced`: after its warm-up it times one run per line we send it."""

    def __init__(self, args, kind, extra):
        self.tmp = tempfile.TemporaryDirectory()
        self.json_path = os.path.join(self.tmp.name, "ours.json")
        cmd = ["dotnet", args.retina, "bench", kind, "--threads", str(args.threads), "--paced",
               "--json", self.json_path] + extra
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"unexpected output from {' '.join(cmd)}: {line!r}")

    def step(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return [float(x) for x in self.proc.stdout.readline().split()]

    def finish(self):
        self.proc.stdin.close()
        self.proc.wait()
        with open(self.json_path) as f:
            result = json.load(f)
        self.tmp.cleanup()
        return result


def interleave(args, ours, torch_step):
    """Alternates single timed runs of ours and torch (order flipped every step) and returns both sample lists."""
    ours_samples, torch_samples = [], []
    for i in range(args.repeats):
        if i % 2 == 0:
            ours_samples.append(ours.step())
            torch_samples.append(torch_step())
        else:
            torch_samples.append(torch_step())
            ours_samples.append(ours.step())
    return ours_samples, torch_samples


def column_median(samples, i):
    return statistics.median(s[i] for s in samples)


def bench_gemm(args):
    m, n, k = args.m, args.n, args.k
    flops = 2.0 * m * n * k
    a = torch.rand(m, k) * 2 - 1
    b = torch.rand(k, n) * 2 - 1
    # Linear computes x·Wᵀ with W stored [out, in], so W = bᵀ gives the same product a·b.
    linear = torch.nn.Linear(k, n, bias=False)
    with torch.no_grad():
        linear.weight.copy_(b.t())
    dnnl = torch.utils.mkldnn.to_mkldnn(linear)
    a_dnnl = a.to_mkldnn()

    def onednn_step():
        with torch.no_grad():
            start = time.perf_counter()
            dnnl(a_dnnl)
            return [time.perf_counter() - start]

    for _ in range(2):
        onednn_step()
    if args.ours:
        with open(args.ours) as f:
            ours_result = json.load(f)
        ours_gflops = ours_result["gflops"]
        onednn = statistics.median(onednn_step()[0] for _ in range(args.repeats))
    else:
        ours = Ours(args, "gemm", ["--m", str(m), "--n", str(n), "--k", str(k)])
        ours_samples, torch_samples = interleave(args, ours, onednn_step)
        ours_result = ours.finish()
        ours_gflops = flops / column_median(ours_samples, 0) / 1e9
        onednn = column_median(torch_samples, 0)
    # torch.mm may sit on a slow reference BLAS (seconds per call): timed apart, with fewer runs.
    matmul = median_seconds(lambda: torch.mm(a, b), 1, min(args.repeats, 3))

    header(args, "gemm", ours_result)
    row(f"sgemm {m}x{n}x{k} vs oneDNN matmul (torch.utils.mkldnn)", ours_gflops, flops / onednn / 1e9)
    row(f"sgemm {m}x{n}x{k} vs torch.mm", ours_gflops, flops / matmul / 1e9)


def bench_conv(args):
    x = torch.rand(args.batch, args.in_channels, args.height, args.width) * 2 - 1
    w = torch.rand(args.out_channels, args.in_channels // args.groups, args.kernel, args.kernel) * 2 - 1
    b = torch.rand(args.out_channels) * 2 - 1
    conv = dict(stride=args.stride, padding=args.padding, dilation=args.dilation, groups=args.groups)
    with torch.no_grad():
        y = F.conv2d(x, w, b, **conv)
    gy = torch.rand_like(y) * 2 - 1
    xg, wg, bg = x.clone().requires_grad_(), w.clone().requires_grad_(), b.clone().requires_grad_()

    def torch_step():
        with torch.no_grad():
            start = time.perf_counter()
            F.conv2d(x, w, b, **conv)
            forward = time.perf_counter() - start
        xg.grad = wg.grad = bg.grad = None
        start = time.perf_counter()
        F.conv2d(xg, wg, bg, **conv).backward(gy)
        return [forward, time.perf_counter() - start]

    for _ in range(2):
        torch_step()
    oh, ow = y.shape[2], y.shape[3]
    flops = 2.0 * args.batch * args.out_channels * (args.in_channels // args.groups) * args.kernel ** 2 * oh * ow
    extra = ["--batch", str(args.batch), "--in-channels", str(args.in_channels),
             "--out-channels", str(args.out_channels), "--height", str(args.height), "--width", str(args.width),
             "--kernel", str(args.kernel), "--stride", str(args.stride), "--padding", str(args.padding),
             "--dilation", str(args.dilation), "--groups", str(args.groups)]
    if args.ours:
        with open(args.ours) as f:
            ours_result = json.load(f)
        ours_fwd, ours_total = ours_result["forward_gflops"], ours_result["forward_backward_gflops"]
        torch_samples = [torch_step() for _ in range(args.repeats)]
    else:
        ours = Ours(args, "conv", extra)
        ours_samples, torch_samples = interleave(args, ours, torch_step)
        ours_result = ours.finish()
        ours_fwd = flops / column_median(ours_samples, 0) / 1e9
        ours_total = 3 * flops / column_median(ours_samples, 3) / 1e9
    shape = (f"{args.batch}x{args.in_channels}x{args.height}x{args.width} -> {args.out_channels}, "
             f"k{args.kernel} s{args.stride} p{args.padding}")
    header(args, "conv", ours_result)
    row(f"conv {shape} forward", ours_fwd, flops / column_median(torch_samples, 0) / 1e9)
    row(f"conv {shape} forward+backward", ours_total, 3 * flops / column_median(torch_samples, 1) / 1e9)


def header(args, kind, ours_result):
    how = "saved result" if args.ours else f"{args.repeats} interleaved runs each"
    print(f"{kind}: {how}, {args.threads} threads, torch {torch.__version__}, ours isa={ours_result.get('isa')}")


def row(label, ours, theirs):
    print(f"  {label:<58} ours {ours:7.1f} GFLOPS   torch {theirs:7.1f} GFLOPS   ratio {ours / theirs:5.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", nargs="?", default="all", choices=["gemm", "conv", "all"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=15, help="timed runs of each side")
    p.add_argument("--retina", default=DEFAULT_RETINA, help="path of the built retina.dll")
    p.add_argument("--ours", help="compare with this saved `retina bench ... --json` result instead of running it")
    p.add_argument("--m", type=int, default=2048)
    p.add_argument("--n", type=int, default=2048)
    p.add_argument("--k", type=int, default=2048)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--in-channels", type=int, default=256)
    p.add_argument("--out-channels", type=int, default=256)
    p.add_argument("--height", type=int, default=100)
    p.add_argument("--width", type=int, default=136)
    p.add_argument("--kernel", type=int, default=3)
    p.add_argument("--stride", type=int, default=1)
    p.add_argument("--padding", type=int, default=1)
    p.add_argument("--dilation", type=int, default=1)
    p.add_argument("--groups", type=int, default=1)
    args = p.parse_args()
    if args.ours and args.what == "all":
        p.error("--ours needs gemm or conv")
    if not args.ours and not os.path.exists(args.retina):
        sys.exit(f"{args.retina} not found: build it with `dotnet build src/RetinaSharp.Cli -c Release`")
    torch.set_num_threads(args.threads)

    if args.what in ("gemm", "all"):
        bench_gemm(args)
    if args.what in ("conv", "all"):
        bench_conv(args)


if __name__ == "__main__":
    main()

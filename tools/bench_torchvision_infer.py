#!/usr/bin/env python3
"""Inference time of torchvision's retinanet_resnet50_fpn next to `retina bench infer`, in one run.

Run with Debian's python3 (python3-torch, python3-torchvision) after building the CLI in Release:
    /usr/bin/python3 tools/bench_torchvision_infer.py [--threads 2] [--rounds 3] [--height 800 --width 1067]
Both sides use random weights (no detections pass the score threshold, so post-processing is
cheap on both) and time transform + network + post-processing for one image. Rounds alternate
so that load on a shared machine hits both; the medians and the ratio ours / torchvision are printed.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETINA = os.path.join(ROOT, "src", "RetinaSharp.Cli", "bin", "Release", "net10.0", "retina")


def torchvision_time(h, w, repeats):
    model = torchvision.models.detection.retinanet_resnet50_fpn(weights=None, weights_backbone=None).eval()
    img = torch.rand(3, h, w)
    with torch.no_grad():
        model([img])
        ts = []
        for _ in range(repeats):
            t = time.perf_counter()
            model([img])
            ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def ours(h, w, threads, repeats):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    subprocess.run([RETINA, "bench", "infer", "--height", str(h), "--width", str(w), "--threads", str(threads),
                    "--repeats", str(repeats), "--json", path], check=True, stdout=subprocess.DEVNULL)
    with open(path) as f:
        r = json.load(f)
    os.unlink(path)
    return r["median_seconds"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--height", type=int, default=800)
    p.add_argument("--width", type=int, default=1067)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    tv, us = [], []
    for _ in range(a.rounds):
        tv.append(torchvision_time(a.height, a.width, a.repeats))
        us.append(ours(a.height, a.width, a.threads, a.repeats))
    t, o = statistics.median(tv), statistics.median(us)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, {a.threads} threads, {a.rounds} interleaved rounds")
    print(f"retinanet_resnet50_fpn {a.height}x{a.width}: torchvision {t:.3f} s/image, RetinaSharp {o:.3f} s/image, ours/torchvision {o / t:.2f}")


if __name__ == "__main__":
    main()

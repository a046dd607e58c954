#!/usr/bin/python3
"""Compare RetinaSharp's GEMM and convolution kernels with PyTorch on the same shapes.

Runs `retina bench gemm|conv` and the equivalent torch code alternately for several rounds, so that
noise on a shared machine hits both sides alike, and prints median GFLOPS and the ratio ours/torch.

For GEMM two torch baselines are printed: torch.matmul (whatever BLAS this torch build links) and
oneDNN's fp32 matmul (a torch.nn.Linear converted with torch.utils.mkldnn), the library torch itself
uses for convolutions.

Usage (from the repository root, after `dotnet build src/RetinaSharp.Cli -c Release`):
    /usr/bin/python3 tools/bench_torch_kernels.py [gemm|conv|all] [--threads 2] [--rounds 3] [--repeats 5]
    /usr/bin/python3 tools/bench_torch_kernels.py gemm --ours result.json   # compare with a saved result
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


def run_ours(args, kind, extra):
    if args.ours:
        with open(args.ours) as f:
            return json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ours.json")
        cmd = ["dotnet", args.retina, "bench", kind, "--threads", str(args.threads),
               "--repeats", str(args.repeats), "--json", out] + extra
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            return json.load(f)


def torch_gemm(args):
    m, n, k = args.m, args.n, args.k
    a = torch.rand(m, k) * 2 - 1
    b = torch.rand(k, n) * 2 - 1
    flops = 2.0 * m * n * k
    matmul = median_seconds(lambda: torch.mm(a, b), 2, args.repeats)
    # Linear computes x·Wᵀ with W stored [out, in], so W = bᵀ gives the same product a·b.
    linear = torch.nn.Linear(k, n, bias=False)
    with torch.no_grad():
        linear.weight.copy_(b.t())
    dnnl = torch.utils.mkldnn.to_mkldnn(linear)
    a_dnnl = a.to_mkldnn()
    with torch.no_grad():
        onednn = median_seconds(lambda: dnnl(a_dnnl), 2, args.repeats)
    return {"matmul_gflops": flops / matmul / 1e9, "onednn_gflops": flops / onednn / 1e9}


def torch_conv(args):
    x = torch.rand(args.batch, args.in_channels, args.height, args.width) * 2 - 1
    w = torch.rand(args.out_channels, args.in_channels // args.groups, args.kernel, args.kernel) * 2 - 1
    b = torch.rand(args.out_channels) * 2 - 1
    conv = dict(stride=args.stride, padding=args.padding, dilation=args.dilation, groups=args.groups)
    with torch.no_grad():
        y = F.conv2d(x, w, b, **conv)
        forward = median_seconds(lambda: F.conv2d(x, w, b, **conv), 2, args.repeats)
    gy = torch.rand_like(y) * 2 - 1
    xg, wg, bg = x.clone().requires_grad_(), w.clone().requires_grad_(), b.clone().requires_grad_()

    def forward_backward():
        xg.grad = wg.grad = bg.grad = None
        F.conv2d(xg, wg, bg, **conv).backward(gy)

    total = median_seconds(forward_backward, 1, args.repeats)
    oh, ow = y.shape[2], y.shape[3]
    flops = 2.0 * args.batch * args.out_channels * (args.in_channels // args.groups) * args.kernel ** 2 * oh * ow
    return {"forward_gflops": flops / forward / 1e9, "forward_backward_gflops": 3 * flops / total / 1e9}


def compare(args, kind, extra, torch_fn, pairs):
    ours_rounds, torch_rounds = [], []
    for r in range(args.rounds):
        # Alternate which side goes first so a slow start of the machine is not always charged to one.
        if r % 2 == 0:
            ours_rounds.append(run_ours(args, kind, extra))
            torch_rounds.append(torch_fn(args))
        else:
            torch_rounds.append(torch_fn(args))
            ours_rounds.append(run_ours(args, kind, extra))
    print(f"{kind}: {args.rounds} interleaved rounds x {args.repeats} repeats, {args.threads} threads, "
          f"torch {torch.__version__}, ours isa={ours_rounds[0].get('isa')}")
    for label, ours_key, torch_key in pairs:
        ours = statistics.median(o[ours_key] for o in ours_rounds)
        theirs = statistics.median(t[torch_key] for t in torch_rounds)
        print(f"  {label:<40} ours {ours:7.1f} GFLOPS   torch {theirs:7.1f} GFLOPS   ratio {ours / theirs:5.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", nargs="?", default="all", choices=["gemm", "conv", "all"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=5)
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
        extra = ["--m", str(args.m), "--n", str(args.n), "--k", str(args.k)]
        compare(args, "gemm", extra, torch_gemm, [
            (f"sgemm {args.m}x{args.n}x{args.k} vs torch.mm", "gflops", "matmul_gflops"),
            (f"sgemm {args.m}x{args.n}x{args.k} vs oneDNN matmul", "gflops", "onednn_gflops"),
        ])
    if args.what in ("conv", "all"):
        extra = ["--batch", str(args.batch), "--in-channels", str(args.in_channels),
                 "--out-channels", str(args.out_channels), "--height", str(args.height), "--width", str(args.width),
                 "--kernel", str(args.kernel), "--stride", str(args.stride), "--padding", str(args.padding),
                 "--dilation", str(args.dilation), "--groups", str(args.groups)]
        shape = (f"{args.batch}x{args.in_channels}x{args.height}x{args.width} -> {args.out_channels}, "
                 f"k{args.kernel} s{args.stride} p{args.padding}")
        compare(args, "conv", extra, torch_conv, [
            (f"conv {shape} forward", "forward_gflops", "forward_gflops"),
            (f"conv {shape} fwd+bwd", "forward_backward_gflops", "forward_backward_gflops"),
        ])


if __name__ == "__main__":
    main()

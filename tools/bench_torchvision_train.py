#!/usr/bin/env python3
"""Training throughput of torchvision's retinanet_resnet50_fpn next to `retina bench train-step
--preset resnet50`, in one run (images per second for forward, loss, backward and an SGD step).

Run with Debian's python3 (python3-torch, python3-torchvision) after building the CLI in Release:
    /usr/bin/python3 tools/bench_torchvision_train.py [--threads 2] [--batch 2] [--steps 3]
Both sides: random weights, frozen batch norm and 3 trainable backbone stages (torchvision's
defaults for a pretrained backbone), images of 800×1088 with five random boxes each.
"""
import argparse
import os
import re
import subprocess
import time

import torch
import torchvision
from torchvision.ops import FrozenBatchNorm2d

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETINA = os.path.join(ROOT, "src", "RetinaSharp.Cli", "bin", "Release", "net10.0", "retina")


def torchvision_ips(batch, steps, h, w):
    backbone = torchvision.models.resnet50(weights=None, norm_layer=FrozenBatchNorm2d)
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops.feature_pyramid_network import LastLevelP6P7
    body = _resnet_fpn_extractor(backbone, 3, returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))
    model = torchvision.models.detection.RetinaNet(body, 91, min_size=h, max_size=w).train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01, momentum=0.9, weight_decay=1e-4)
    g = torch.Generator().manual_seed(0)
    images = [torch.rand(3, h, w, generator=g) for _ in range(batch)]
    targets = []
    for _ in range(batch):
        xy = torch.rand(5, 2, generator=g) * torch.tensor([w / 2, h / 2])
        wh = torch.rand(5, 2, generator=g) * torch.tensor([w / 2, h / 2]) + 16
        targets.append({"boxes": torch.cat([xy, xy + wh], 1), "labels": torch.randint(1, 91, (5,), generator=g)})
    total = 0.0
    for s in range(steps + 1):
        t = time.perf_counter()
        losses = model(images, targets)
        loss = sum(losses.values())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if s > 0:
            total += time.perf_counter() - t
    return batch * steps / total


def ours(batch, steps, h, w, threads):
    out = subprocess.run([RETINA, "bench", "train-step", "--preset", "resnet50", "--batch", str(batch), "--steps", str(steps),
                          "--height", str(h), "--width", str(w), "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    return float(re.search(r"([0-9.]+) images/s", out).group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--height", type=int, default=800)
    p.add_argument("--width", type=int, default=1088)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    t = torchvision_ips(a.batch, a.steps, a.height, a.width)
    o = ours(a.batch, a.steps, a.height, a.width, a.threads)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, {a.threads} threads, batch {a.batch}, {a.height}x{a.width}")
    print(f"training step, ResNet-50-FPN RetinaNet: torchvision {t:.3f} images/s, RetinaSharp {o:.3f} images/s, ours/torchvision {o / t:.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Optimiser and learning-rate schedule fixtures from torch.

Run with Debian's python3 (python3-torch):  /usr/bin/python3 tools/make_optim_fixtures.py
Writes tests/RetinaSharp.Tensors.Tests/Fixtures/optim/*.json.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "RetinaSharp.Tensors.Tests", "Fixtures", "optim")


def run(name, make_opt, steps=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    p0 = torch.randn(3, 4, generator=g)
    p1 = torch.randn(5, generator=g)
    params = [p0.clone().requires_grad_(True), p1.clone().requires_grad_(True)]
    opt = make_opt(params)
    grads, after = [], []
    for _ in range(steps):
        gs = [torch.randn(p.shape, generator=g) for p in params]
        for p, gr in zip(params, gs):
            p.grad = gr.clone()
        opt.step()
        grads.append([gr.flatten().tolist() for gr in gs])
        after.append([p.detach().flatten().tolist() for p in params])
    return {
        "name": name,
        "shapes": [list(p.shape) for p in params],
        "initial": [p0.flatten().tolist(), p1.flatten().tolist()],
        "grads": grads,
        "after": after,
    }


def schedule(kind):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.02)
    if kind == "warmup_multistep":
        s = torch.optim.lr_scheduler.ChainedScheduler([
            torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / 3, total_iters=10),
            torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[30, 45], gamma=0.1),
        ])
    else:
        s = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=50, eta_min=0.002)
    lrs = []
    for _ in range(60):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        s.step()
    return {"kind": kind, "base_lr": 0.02, "lrs": lrs}


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [
        run("sgd_momentum_wd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-2)),
        run("sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)),
        run("sgd_dampening", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.5, dampening=0.3)),
        run("sgd_plain", lambda ps: torch.optim.SGD(ps, lr=0.1)),
        run("adamw", lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.05)),
    ]
    with open(os.path.join(OUT, "optimizers.json"), "w") as f:
        json.dump(cases, f)
    with open(os.path.join(OUT, "schedules.json"), "w") as f:
        json.dump([schedule("warmup_multistep"), schedule("cosine")], f)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for the classification losses outside detection: softmax focal loss with
per-class alpha and ignored rows, dice loss, and SAM's focal + dice mask loss, computed with torch
autograd in float64.

Run with Debian's python3 (python3-torch):  /usr/bin/python3 tools/make_focal_api_fixtures.py
Writes tests/RetinaSharp.Tensors.Tests/Fixtures/losses/focal_api.json.
"""
import json
import os

import torch
import torchvision

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "RetinaSharp.Tensors.Tests", "Fixtures", "losses")
g = torch.Generator().manual_seed(5)


def softmax_focal(x, y, gamma, alpha, reduction):
    keep = y >= 0
    logp = torch.log_softmax(x, 1)
    yy = y.clamp(min=0)
    logpt = logp.gather(1, yy[:, None])[:, 0]
    pt = logpt.exp()
    a = alpha[yy] if alpha is not None else torch.ones_like(pt)
    loss = -a * (1 - pt) ** gamma * logpt
    loss = torch.where(keep, loss, torch.zeros_like(loss))
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / keep.sum().clamp(min=1)
    return loss


def dice(x, t, smooth=1.0):
    p = x.sigmoid().flatten(1)
    t = t.flatten(1)
    num = 2 * (p * t).sum(1) + smooth
    den = p.sum(1) + t.sum(1) + smooth
    return (1 - num / den).mean()


def case(name, fn, x, extra):
    x = x.clone().double().requires_grad_(True)
    out = fn(x)
    up = torch.randn(out.shape, generator=g, dtype=torch.float64)
    out.backward(up)
    d = {"name": name, "x": x.detach().flatten().tolist(), "shape": list(x.shape), "out": out.detach().flatten().tolist(),
         "out_shape": list(out.shape), "upstream": up.flatten().tolist(), "grad": x.grad.flatten().tolist()}
    d.update(extra)
    return d


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    x = torch.randn(9, 4, generator=g, dtype=torch.float64) * 3
    x[0, 1] = 40.0  # a confident correct row
    y = torch.tensor([1, 0, 3, 2, -1, 1, 0, 3, 2])
    alpha = torch.tensor([0.25, 0.5, 0.75, 1.0], dtype=torch.float64)
    for gamma in [0.0, 0.5, 2.0, 5.0]:
        # torch's autograd gives NaN for gamma < 1 on a saturated row (0 * inf); ours is finite there,
        # so those cases use a moderate value instead.
        xg = x.clone()
        if gamma < 1:
            xg[0, 1] = 2.0
        for red in ["none", "sum", "mean"]:
            for use_alpha in [False, True]:
                cases.append(case(f"softmax_focal_g{gamma}_{red}_{'alpha' if use_alpha else 'noalpha'}",
                                  lambda z: softmax_focal(z, y, gamma, alpha if use_alpha else None, red), xg,
                                  {"labels": y.tolist(), "gamma": gamma, "alpha": alpha.tolist() if use_alpha else None, "reduction": red}))
    m = torch.randn(3, 5, 6, generator=g, dtype=torch.float64) * 2
    t = (torch.rand(3, 5, 6, generator=g) > 0.6).double()
    cases.append(case("dice", lambda z: dice(z, t), m, {"targets": t.flatten().tolist()}))
    cases.append(case("focal_dice", lambda z: 20 * torchvision.ops.sigmoid_focal_loss(z, t, reduction="mean") + dice(z, t), m,
                      {"targets": t.flatten().tolist()}))
    with open(os.path.join(OUT, "focal_api.json"), "w") as f:
        json.dump(cases, f)


if __name__ == "__main__":
    main()

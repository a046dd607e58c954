#!/usr/bin/env python3
"""Forward and backward of the engine's ops computed by torch, for parity tests.

Run with Debian's python3 (python3-torch):  /usr/bin/python3 tools/make_op_fixtures.py
Writes tests/RetinaSharp.Tensors.Tests/Fixtures/ops/ops.json: for each case the inputs, the
output, a fixed upstream gradient and the gradient of every input.
"""
import json
import os

import torch
import torch.nn.functional as F
import torchvision

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "RetinaSharp.Tensors.Tests", "Fixtures", "ops")
g = torch.Generator().manual_seed(0)


def rnd(*shape, scale=1.0):
    return (torch.randn(tuple(shape), generator=g, dtype=torch.float64) * scale).float()


def case(name, fn, inputs, params=None, grad_inputs=None):
    xs = [t.clone().requires_grad_(grad_inputs is None or i in grad_inputs) for i, t in enumerate(inputs)]
    out = fn(*xs)
    up = rnd(*out.shape)
    out.backward(up)
    return {
        "name": name,
        "params": params or {},
        "inputs": [{"shape": list(t.shape), "values": t.detach().flatten().tolist()} for t in inputs],
        "output": {"shape": list(out.shape), "values": out.detach().flatten().tolist()},
        "upstream": up.flatten().tolist(),
        "grads": [None if x.grad is None else x.grad.flatten().tolist() for x in xs],
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    cases.append(case("conv2d_s2_p1_bias", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
                      [rnd(2, 3, 7, 9), rnd(4, 3, 3, 3), rnd(4)], {"stride": 2, "padding": 1, "dilation": 1, "groups": 1}))
    cases.append(case("conv2d_dil2_groups2", lambda x, w: F.conv2d(x, w, None, stride=1, padding=2, dilation=2, groups=2),
                      [rnd(1, 4, 6, 5), rnd(6, 2, 3, 3)], {"stride": 1, "padding": 2, "dilation": 2, "groups": 2}))
    cases.append(case("conv2d_1x1", lambda x, w, b: F.conv2d(x, w, b),
                      [rnd(2, 5, 4, 3), rnd(3, 5, 1, 1), rnd(3)], {"stride": 1, "padding": 0, "dilation": 1, "groups": 1}))
    cases.append(case("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b, eps=1e-5),
                      [rnd(2, 4, 3, 5, scale=3.0), rnd(4), rnd(4)], {"groups": 2}))
    bn_mean, bn_var = rnd(3), rnd(3).abs() + 0.5
    rm, rv = bn_mean.clone(), bn_var.clone()
    c = case("batch_norm_train", lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5),
             [rnd(4, 3, 2, 3, scale=2.0), rnd(3), rnd(3)])
    c["params"] = {"running_mean": bn_mean.tolist(), "running_var": bn_var.tolist(),
                   "running_mean_after": rm.tolist(), "running_var_after": rv.tolist()}
    cases.append(c)
    cases.append(case("batch_norm_eval", lambda x, w, b: F.batch_norm(x, bn_mean, bn_var, w, b, training=False, eps=1e-5),
                      [rnd(2, 3, 2, 2), rnd(3), rnd(3)], {"running_mean": bn_mean.tolist(), "running_var": bn_var.tolist()}))
    cases.append(case("max_pool_3s2p1", lambda x: F.max_pool2d(x, 3, 2, 1), [rnd(2, 2, 7, 6)], {"kernel": 3, "stride": 2, "padding": 1}))
    cases.append(case("upsample_to_size", lambda x: F.interpolate(x, size=(9, 13), mode="nearest"), [rnd(1, 2, 5, 7)], {"h": 9, "w": 13}))
    cases.append(case("upsample_x2", lambda x: F.interpolate(x, size=(10, 14), mode="nearest"), [rnd(1, 2, 5, 7)], {"h": 10, "w": 14}))
    logits = torch.cat([rnd(40, scale=4.0), torch.tensor([-100.0, -30.0, 0.0, 30.0, 100.0, 17.0])])
    targets = (torch.rand(46, generator=g) > 0.7).float()
    targets[-6:] = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    for alpha, gamma in [(0.25, 2.0), (-1.0, 2.0), (0.25, 0.0), (0.75, 5.0), (0.25, 0.5)]:
        for red in ["none", "sum", "mean"]:
            # torch's autograd gives NaN for gamma < 1 at saturated logits (0 * inf); ours stays finite,
            # so that case compares on unsaturated logits only.
            n = 40 if gamma < 1 else len(logits)
            cases.append(case(f"focal_a{alpha}_g{gamma}_{red}",
                              lambda x, t: torchvision.ops.sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=red),
                              [logits[:n], targets[:n]], {"alpha": alpha, "gamma": gamma, "reduction": red}, grad_inputs=[0]))
    cases.append(case("bce_logits_mean", lambda x, t: F.binary_cross_entropy_with_logits(x, t), [logits, targets], grad_inputs=[0]))
    a, b = rnd(30), rnd(30)
    cases.append(case("smooth_l1_b0.11_sum", lambda x, y: F.smooth_l1_loss(x, y, beta=0.11, reduction="sum"), [a, b], {"beta": 0.11}, grad_inputs=[0]))
    cases.append(case("smooth_l1_b0_mean", lambda x, y: F.smooth_l1_loss(x, y, beta=0.0, reduction="mean"), [a, b], {"beta": 0.0}, grad_inputs=[0]))
    cases.append(case("l1_sum", lambda x, y: F.l1_loss(x, y, reduction="sum"), [a, b], grad_inputs=[0]))
    xy = rnd(12, 2, scale=5.0)
    wh = rnd(12, 2).abs() * 5 + 1
    b1 = torch.cat([xy, xy + wh], 1)
    xy2 = xy + rnd(12, 2, scale=2.0)
    b2 = torch.cat([xy2, xy2 + rnd(12, 2).abs() * 5 + 1], 1)
    cases.append(case("giou_loss_none", lambda p, t: torchvision.ops.generalized_box_iou_loss(p, t), [b1, b2]))
    x = torch.tensor([-100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0])
    cases.append(case("log_sigmoid", F.logsigmoid, [x]))
    cases.append(case("softplus", F.softplus, [x]))
    with open(os.path.join(OUT, "ops.json"), "w") as f:
        json.dump(cases, f)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Makes the torch reference fixtures for the tensor op tests.

Inputs are drawn as float32 with fixed seeds; every reference output and gradient is computed by
torch in float64 from those exact float32 values and then stored as float32, so the fixtures hold
the true values to float32 precision rather than torch's own float32 rounding.

Writes tests/RetinaSharp.Tensors.Tests/Fixtures/ops/ops.bin (little-endian float32 / int64 arrays,
concatenated) and ops.json (name -> dtype, shape, byte offset; plus per-case parameters).

Run with Debian's interpreter: /usr/bin/python3 tools/make_op_fixtures.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
import torchvision.ops as tvops

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "RetinaSharp.Tensors.Tests", "Fixtures", "ops")

arrays = {}
params = {}


def put(name, t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        arrays[name] = t.to(torch.int64).numpy().astype("<i8")
    else:
        arrays[name] = t.to(torch.float32).numpy().astype("<f4")


def f32(*shape, low=-1.0, high=1.0):
    return (torch.rand(*shape, dtype=torch.float32) * (high - low) + low)


def grad_of(fn, inputs, gy=None):
    """Float64 forward of fn on float32 inputs; returns output and the gradients for upstream gy."""
    xs = [x.to(torch.float64).requires_grad_(True) for x in inputs]
    y = fn(*xs)
    if gy is None:
        gy = f32(*y.shape) if y.dim() > 0 else torch.tensor(1.0)
    y.backward(gy.to(torch.float64))
    return y, [x.grad for x in xs], gy


# ---- conv2d -------------------------------------------------------------------------------
def conv_case(name, seed, x_shape, w_shape, bias, stride, padding, dilation, groups):
    torch.manual_seed(seed)
    x = f32(*x_shape)
    w = f32(*w_shape)
    b = f32(w_shape[0]) if bias else None
    inputs = [x, w] + ([b] if bias else [])

    def fn(x, w, *rest):
        return F.conv2d(x, w, rest[0] if rest else None, stride=stride, padding=padding, dilation=dilation, groups=groups)

    y, grads, gy = grad_of(fn, inputs)
    put(name + ".x", x); put(name + ".w", w); put(name + ".y", y); put(name + ".gy", gy)
    put(name + ".gx", grads[0]); put(name + ".gw", grads[1])
    if bias:
        put(name + ".b", b); put(name + ".gb", grads[2])
    params[name] = dict(stride=list(stride), padding=list(padding), dilation=list(dilation), groups=groups, bias=bias)


torch.manual_seed(0)
conv_case("conv_groups_stride2", 100, (2, 4, 7, 9), (6, 2, 3, 3), True, (2, 2), (1, 1), (1, 1), 2)
conv_case("conv_dilated_rect", 101, (1, 3, 8, 7), (4, 3, 3, 2), False, (1, 2), (2, 1), (2, 1), 1)
conv_case("conv_1x1_stride2", 102, (2, 5, 6, 6), (3, 5, 1, 1), True, (2, 2), (0, 0), (1, 1), 1)

# ---- group norm -----------------------------------------------------------------------------
torch.manual_seed(1)
for name, shape, groups in [("gn_4d", (2, 6, 5, 4), 3), ("gn_3d", (3, 4, 7), 2)]:
    x = f32(*shape) * 2 + 0.5
    w = f32(shape[1]) + 1
    b = f32(shape[1])
    y, grads, gy = grad_of(lambda x, w, b: F.group_norm(x, groups, w, b, eps=1e-5), [x, w, b])
    put(name + ".x", x); put(name + ".w", w); put(name + ".b", b); put(name + ".y", y); put(name + ".gy", gy)
    put(name + ".gx", grads[0]); put(name + ".gw", grads[1]); put(name + ".gb", grads[2])
    params[name] = dict(groups=groups, eps=1e-5)

# ---- batch norm -----------------------------------------------------------------------------
torch.manual_seed(2)
x = f32(3, 4, 5, 6) * 3 + 1
w = f32(4) + 1
b = f32(4)
rm = f32(4)
rv = f32(4, low=0.5, high=2.0)
for training in (True, False):
    name = "bn_train" if training else "bn_eval"
    rm64 = rm.to(torch.float64).clone()
    rv64 = rv.to(torch.float64).clone()
    y, grads, gy = grad_of(lambda x, w, b: F.batch_norm(x, rm64, rv64, w, b, training=training, momentum=0.1, eps=1e-5), [x, w, b])
    put(name + ".x", x); put(name + ".w", w); put(name + ".b", b); put(name + ".rm", rm); put(name + ".rv", rv)
    put(name + ".y", y); put(name + ".gy", gy)
    put(name + ".gx", grads[0]); put(name + ".gw", grads[1]); put(name + ".gb", grads[2])
    put(name + ".rm_after", rm64); put(name + ".rv_after", rv64)
    params[name] = dict(momentum=0.1, eps=1e-5, training=training)

# ---- frozen batch norm (torchvision.ops.FrozenBatchNorm2d) ----------------------------------
torch.manual_seed(3)
fbn = tvops.FrozenBatchNorm2d(3, eps=1e-5).double()
x = f32(2, 3, 4, 5) * 2
for buf in ("weight", "bias", "running_mean"):
    v = f32(3)
    getattr(fbn, buf).copy_(v.double())
    put("frozen_bn." + buf, v)
v = f32(3, low=0.2, high=3.0)
fbn.running_var.copy_(v.double())
put("frozen_bn.running_var", v)
y, grads, gy = grad_of(lambda x: fbn(x), [x])
put("frozen_bn.x", x); put("frozen_bn.y", y); put("frozen_bn.gy", gy); put("frozen_bn.gx", grads[0])
params["frozen_bn"] = dict(eps=1e-5)

# ---- max pool -------------------------------------------------------------------------------
torch.manual_seed(4)
for name, shape, k, s, p, d, ceil in [
    ("maxpool_k3s2p1", (2, 3, 7, 9), 3, 2, 1, 1, False),
    ("maxpool_k2s2", (1, 2, 6, 5), 2, 2, 0, 1, False),
    ("maxpool_dilated_ceil", (1, 2, 9, 8), 3, 2, 1, 2, True),
    ("maxpool_k3s1p1_ceil", (1, 1, 5, 6), 3, 2, 1, 1, True),
]:
    x = f32(*shape)
    y, grads, gy = grad_of(lambda x: F.max_pool2d(x, k, s, p, d, ceil_mode=ceil), [x])
    put(name + ".x", x); put(name + ".y", y); put(name + ".gy", gy); put(name + ".gx", grads[0])
    params[name] = dict(kernel=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)

# ---- nearest upsample -----------------------------------------------------------------------
torch.manual_seed(5)
x = f32(1, 2, 5, 7)
for name, size, scale in [
    ("upsample_scale2", None, 2),
    ("upsample_to_10x14", (10, 14), None),
    ("upsample_to_9x13", (9, 13), None),
    ("upsample_to_12x16", (12, 16), None),
    ("upsample_to_3x4", (3, 4), None),
]:
    if size is None:
        y, grads, gy = grad_of(lambda x: F.interpolate(x, scale_factor=scale, mode="nearest"), [x])
    else:
        y, grads, gy = grad_of(lambda x: F.interpolate(x, size=size, mode="nearest"), [x])
    put(name + ".x", x); put(name + ".y", y); put(name + ".gy", gy); put(name + ".gx", grads[0])
    params[name] = dict(size=list(size) if size else None, scale=scale)

# ---- sigmoid focal loss ---------------------------------------------------------------------
torch.manual_seed(6)
extreme = torch.tensor([-100, -30, -17, -5, -1, -0.25, 0, 0.25, 1, 5, 17, 30, 100], dtype=torch.float32)
logits = torch.cat([extreme, extreme, f32(14) * 4]).reshape(8, 5)
targets = torch.cat([torch.zeros(13), torch.ones(13), (torch.rand(14) > 0.7).float()]).reshape(8, 5)
put("focal.logits", logits); put("focal.targets", targets)
for alpha in (0.25, -1.0):
    for gamma in (0.0, 2.0, 5.0, 0.5):
        for reduction in ("none", "sum", "mean"):
            name = f"focal.a{alpha}.g{gamma}.{reduction}"
            y, grads, gy = grad_of(
                lambda x: tvops.sigmoid_focal_loss(x, targets.double(), alpha=alpha, gamma=gamma, reduction=reduction), [logits])
            put(name + ".y", y); put(name + ".gy", gy); put(name + ".gx", grads[0])
soft = torch.rand(8, 5)
put("focal_soft.targets", soft)
y, grads, gy = grad_of(lambda x: tvops.sigmoid_focal_loss(x, soft.double(), alpha=0.25, gamma=2.0, reduction="none"), [logits])
put("focal_soft.y", y); put("focal_soft.gy", gy); put("focal_soft.gx", grads[0])

# ---- BCE with logits ------------------------------------------------------------------------
torch.manual_seed(7)
bw = f32(5, low=0.0, high=2.0)
put("bce.weight", bw)
for reduction in ("none", "sum", "mean"):
    name = f"bce.{reduction}"
    y, grads, gy = grad_of(lambda x: F.binary_cross_entropy_with_logits(x, targets.double(), weight=bw.double(), reduction=reduction), [logits])
    put(name + ".y", y); put(name + ".gy", gy); put(name + ".gx", grads[0])

# ---- L1 / smooth L1 -------------------------------------------------------------------------
torch.manual_seed(8)
pred = f32(6, 4) * 0.5
target = f32(6, 4) * 0.5
put("reg.input", pred); put("reg.target", target)
for loss_name, fn in [
    ("l1", lambda a, b, r: F.l1_loss(a, b, reduction=r)),
    ("smooth_l1_b0.11", lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.11)),
    ("smooth_l1_b0", lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.0)),
    ("smooth_l1_b1", lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=1.0)),
]:
    for reduction in ("none", "sum", "mean"):
        name = f"{loss_name}.{reduction}"
        y, grads, gy = grad_of(lambda a, b: fn(a, b, reduction), [pred, target])
        put(name + ".y", y); put(name + ".gy", gy); put(name + ".ginput", grads[0]); put(name + ".gtarget", grads[1])

# ---- GIoU loss ------------------------------------------------------------------------------
torch.manual_seed(9)
xy = f32(6, 2, low=0, high=50)
wh = f32(6, 2, low=5, high=40)
b1 = torch.cat([xy, xy + wh], 1)
xy2 = xy + f32(6, 2, low=-15, high=15)
wh2 = f32(6, 2, low=5, high=40)
b2 = torch.cat([xy2, xy2 + wh2], 1)
# Disjoint, nested and corner-sharing pairs.
b1 = torch.cat([b1, torch.tensor([[0, 0, 10, 10], [0, 0, 20, 20], [5, 5, 15, 25]], dtype=torch.float32)])
b2 = torch.cat([b2, torch.tensor([[30, 40, 45, 50], [5, 4, 12, 18], [5, 7, 20, 25]], dtype=torch.float32)])
put("giou.boxes1", b1); put("giou.boxes2", b2)
for reduction in ("none", "sum", "mean"):
    name = f"giou.{reduction}"
    y, grads, gy = grad_of(lambda a, b: tvops.generalized_box_iou_loss(a, b, reduction=reduction), [b1, b2])
    put(name + ".y", y); put(name + ".gy", gy); put(name + ".g1", grads[0]); put(name + ".g2", grads[1])

# ---- log-sigmoid / softplus at extreme values -----------------------------------------------
x = torch.tensor([-100, -88, -30, -20, -10.5, -5, -1, -1e-3, 0, 1e-3, 1, 5, 9.99, 10.01, 20, 30, 88, 100], dtype=torch.float32)
put("extreme.x", x)
for name, fn in [
    ("logsigmoid", F.logsigmoid),
    ("softplus", lambda v: F.softplus(v)),
    ("softplus_b2_t20", lambda v: F.softplus(v, beta=2, threshold=20)),
    ("softplus_b0.5_t5", lambda v: F.softplus(v, beta=0.5, threshold=5)),
]:
    y, grads, gy = grad_of(fn, [x])
    put(name + ".y", y); put(name + ".gy", gy); put(name + ".gx", grads[0])

# ---- softmax / log-softmax ------------------------------------------------------------------
torch.manual_seed(10)
x = f32(3, 4, 5) * 4
put("softmax.x", x)
for dim in (0, 1, 2):
    for name, fn in [("softmax", F.softmax), ("log_softmax", F.log_softmax)]:
        y, grads, gy = grad_of(lambda v: fn(v, dim=dim), [x])
        put(f"{name}.d{dim}.y", y); put(f"{name}.d{dim}.gy", gy); put(f"{name}.d{dim}.gx", grads[0])

# ---- write ----------------------------------------------------------------------------------
os.makedirs(OUT, exist_ok=True)
index = {}
offset = 0
with open(os.path.join(OUT, "ops.bin"), "wb") as f:
    for name, a in arrays.items():
        data = a.tobytes()
        index[name] = dict(dtype="int64" if a.dtype.kind == "i" else "float32", shape=list(a.shape), offset=offset)
        f.write(data)
        offset += len(data)
with open(os.path.join(OUT, "ops.json"), "w") as f:
    json.dump(dict(tensors=index, params=params), f, indent=0, sort_keys=True)
print(f"{len(index)} arrays, {offset} bytes")

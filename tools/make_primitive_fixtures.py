#!/usr/bin/python3
"""torchvision fixtures for the detection primitives: anchors, matcher, box coder and NMS.

Every expected output comes from torchvision's own classes and functions (0.14):
  anchors.safetensors    AnchorGenerator on padded batches (RetinaNet's sizes, sizes from 16, odd
                         sizes that exercise round-half-to-even), feature sizes included, some with
                         padded size // grid size not a power of two.
  matcher.safetensors    RetinaNet.compute_loss's matching (box_iou + Matcher(0.5, 0.4), with and
                         without low-quality matches, and its all-background path for images
                         without boxes) on boxes, so the tests recompute IoU from the same inputs.
  box_coder.safetensors  BoxCoder.encode_single / decode_single, deltas past the log(1000/16) clamp.
  nms.safetensors        torchvision.ops.nms and batched_nms: score ties, identical and zero-area
                         boxes, IoU exactly at the threshold, several classes, and a batch large
                         enough for batched_nms's per-class path instead of the coordinate offset.

Inputs are drawn with a fixed torch seed, so rerunning gives identical files.

Run with Debian's interpreter (python3-torch, python3-torchvision):
    /usr/bin/python3 tools/make_primitive_fixtures.py
"""
import json
import math
import os
import struct
from collections import OrderedDict
from types import SimpleNamespace

import torch
from torchvision.models.detection import RetinaNet
from torchvision.models.detection._utils import BoxCoder, Matcher
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.ops import batched_nms, box_iou, nms

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "RetinaSharp.Tests", "Fixtures", "primitives")
RATIOS = (0.5, 1.0, 2.0)


def save(name, tensors, cases):
    """Minimal safetensors writer (F32 / I64), with the case names in the metadata."""
    header, blobs, offset = {"__metadata__": {"cases": json.dumps(cases)}}, [], 0
    for key, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype in (torch.int64, torch.int32, torch.bool):
            t, dt = t.to(torch.int64), "I64"
        else:
            t, dt = t.to(torch.float32), "F32"
        raw = t.numpy().tobytes()
        header[key] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    print(f"{name}: {os.path.getsize(path)} bytes, cases {cases}")


# ---------------------------------------------------------------- anchors

def pyramid_sizes(h, w):
    """P3-P7 sizes of torchvision's ResNet-FPN RetinaNet for an input padded to a multiple of 32."""
    sizes = [(h // 8, w // 8), (h // 16, w // 16), (h // 32, w // 32)]
    for _ in range(2):  # P6, P7: 3x3 convolutions with stride 2 and padding 1
        ph, pw = sizes[-1]
        sizes.append(((ph - 1) // 2 + 1, (pw - 1) // 2 + 1))
    return sizes


def anchor_fixtures():
    retinanet = tuple((x, int(x * 2 ** (1 / 3)), int(x * 2 ** (2 / 3))) for x in [32, 64, 128, 256, 512])
    small = tuple((x, int(x * 2 ** (1 / 3)), int(x * 2 ** (2 / 3))) for x in [16, 32, 64, 128, 256])
    # Odd sizes put w/2 and h/2 on .5 for some ratios, where torch.round goes to even.
    odd = ((33, 35, 45), (7, 9, 11))
    odd_ratios = (0.25, 1.0, 1.5, 3.0)
    cases = [
        ("retinanet_128x128", retinanet, RATIOS, 128, 128, pyramid_sizes(128, 128)),
        # 96 // 2 (P6) = 48 and 160 // 3 (P6) = 53: strides that are not powers of two.
        ("retinanet_96x160", retinanet, RATIOS, 96, 160, pyramid_sizes(96, 160)),
        # Feature sizes not tied to any backbone: uneven strides on both axes.
        ("retinanet_uneven", retinanet, RATIOS, 100, 150, [(13, 19), (7, 10), (4, 5), (2, 3), (1, 2)]),
        ("small_160x96", small, RATIOS, 160, 96, pyramid_sizes(160, 96)),
        ("small_64x64", small, RATIOS, 64, 64, pyramid_sizes(64, 64)),
        ("odd_48x40", odd, odd_ratios, 48, 40, [(6, 5), (3, 3)]),
    ]
    out = OrderedDict()
    for name, sizes, ratios, h, w, grids in cases:
        gen = AnchorGenerator(sizes, (ratios,) * len(sizes))
        images = ImageList(torch.zeros((1, 3, h, w)), [(h, w)])
        feats = [torch.zeros((1, 1, gh, gw)) for gh, gw in grids]
        anchors = gen(images, feats)[0]
        out[f"{name}.sizes"] = torch.tensor(sizes, dtype=torch.int64)
        out[f"{name}.ratios"] = torch.tensor(ratios)
        out[f"{name}.padded"] = torch.tensor([h, w], dtype=torch.int64)
        out[f"{name}.feature_sizes"] = torch.tensor(grids, dtype=torch.int64)
        for level, cell in enumerate(gen.cell_anchors):
            out[f"{name}.cell{level}"] = cell
        out[f"{name}.anchors"] = anchors
    save("anchors.safetensors", out, [c[0] for c in cases])


# ---------------------------------------------------------------- matcher

def torchvision_matches(gt, anchors, low_quality):
    """matched_idxs exactly as torchvision's RetinaNet.compute_loss builds them."""
    model = SimpleNamespace(
        proposal_matcher=Matcher(0.5, 0.4, allow_low_quality_matches=low_quality),
        head=SimpleNamespace(compute_loss=lambda targets, outputs, anchors, matched: matched))
    return RetinaNet.compute_loss(model, [{"boxes": gt}], {}, [anchors])[0]


def random_boxes(g, n, extent, min_size, max_size):
    xy = torch.rand((n, 2), generator=g) * extent
    wh = min_size + torch.rand((n, 2), generator=g) * (max_size - min_size)
    return torch.cat([xy, xy + wh], dim=1)


def square_grid(size, stride, extent):
    return torch.tensor([[x, y, x + size, y + size]
                         for y in range(0, extent - size + 1, stride)
                         for x in range(0, extent - size + 1, stride)], dtype=torch.float32)


def matcher_fixtures(g):
    real = AnchorGenerator(((16, 20, 25), (32, 40, 50)), (RATIOS,) * 2)
    real_anchors = real(ImageList(torch.zeros((1, 3, 64, 64)), [(64, 64)]),
                        [torch.zeros((1, 1, 8, 8)), torch.zeros((1, 1, 4, 4))])[0]
    grid = torch.cat([square_grid(10, 5, 40), square_grid(20, 10, 40)])
    cases = OrderedDict()
    cases["random"] = (random_boxes(g, 5, 50.0, 6.0, 40.0), real_anchors)
    cases["random_many"] = (random_boxes(g, 24, 56.0, 2.0, 30.0), real_anchors)
    cases["ties"] = (torch.tensor([
        [2.5, 0.0, 12.5, 10.0],   # IoU 0.6 with the two 10x10 anchors at x = 0 and x = 5
        [6.0, 21.0, 9.0, 24.0],   # inside two 10x10 anchors with the same IoU, 0.09: low-quality tie
        [21.0, 6.0, 24.0, 9.0],
        [21.0, 6.0, 24.0, 9.0],   # a duplicate box: max over boxes breaks the tie to the first
        [30.0, 30.0, 40.0, 40.0],
    ]), grid)
    cases["thresholds"] = (torch.tensor([
        [0.0, 0.0, 10.0, 5.0],     # IoU 0.5 with [0, 0, 10, 10]: foreground
        [20.0, 0.0, 30.0, 4.0],    # IoU 0.4 with [20, 0, 30, 10]: between, ignored
        [0.0, 20.0, 10.0, 23.9],   # just under 0.4: background unless low-quality
        [20.0, 20.0, 30.0, 24.95], # just under 0.5
    ]), grid)
    cases["low_quality"] = (random_boxes(g, 6, 55.0, 2.0, 4.0), real_anchors)
    cases["empty"] = (torch.zeros((0, 4)), real_anchors)
    # A box that overlaps no anchor: its best IoU is 0, which every anchor shares.
    cases["disjoint"] = (torch.tensor([[3.0, 3.0, 17.0, 12.0], [200.0, 200.0, 210.0, 230.0]]), grid)
    out = OrderedDict()
    for name, (gt, anchors) in cases.items():
        out[f"{name}.gt"] = gt
        out[f"{name}.anchors"] = anchors
        with_lq = torchvision_matches(gt, anchors, True)
        without_lq = torchvision_matches(gt, anchors, False)
        out[f"{name}.matches_low_quality"] = with_lq
        out[f"{name}.matches"] = without_lq
        # Anchors that torchvision's low-quality step restores only because some box's best IoU is
        # 0: where nothing overlaps that box, every anchor ties for its best.
        if gt.numel() > 0:
            iou = box_iou(gt, anchors)
            best = iou.max(dim=1).values
            ties = iou == best[:, None]
            from_zero = ties[best == 0].any(dim=0)
            from_positive = ties[best > 0].any(dim=0)
            out[f"{name}.zero_best_only"] = from_zero & ~from_positive
    save("matcher.safetensors", out, list(cases))


# ---------------------------------------------------------------- box coder

def box_coder_fixtures(g):
    n = 256
    anchors = random_boxes(g, n, 500.0, 4.0, 300.0)
    gt = random_boxes(g, n, 500.0, 1.0, 400.0)
    # Extreme size ratios: log(1000) and log(1/1000) stay unclamped when encoding.
    anchors[:4] = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1000.0, 1000.0], [10.0, 10.0, 12.0, 2010.0], [5.0, 5.0, 6.0, 6.0]])
    gt[:4] = torch.tensor([[0.0, 0.0, 1000.0, 1000.0], [0.0, 0.0, 1.0, 1.0], [10.0, 10.0, 2010.0, 12.0], [5.0, 5.0, 6.0, 6.0]])
    deltas = torch.randn((n, 4), generator=g)
    clip = math.log(1000.0 / 16)
    # Size deltas at, just under and past the clamp, and large negative ones (no lower clamp).
    big = torch.tensor([clip, clip - 1e-3, clip + 1e-3, 5.0, 10.0, 50.0, 1e4, -5.0, -20.0, -50.0])
    deltas[4:14, 2] = big
    deltas[4:14, 3] = big.flip(0)
    deltas[14:24, 0:2] = torch.randn((10, 2), generator=g) * 100.0
    out = OrderedDict()
    out["anchors"] = anchors
    out["gt"] = gt
    out["deltas"] = deltas
    cases = {"unit": (1.0, 1.0, 1.0, 1.0), "rcnn": (10.0, 10.0, 5.0, 5.0)}
    for name, weights in cases.items():
        coder = BoxCoder(weights=weights)
        out[f"{name}.weights"] = torch.tensor(weights)
        out[f"{name}.encoded"] = coder.encode_single(gt, anchors)
        out[f"{name}.decoded"] = coder.decode_single(deltas, anchors)
        out[f"{name}.clip"] = torch.tensor([coder.bbox_xform_clip])
    save("box_coder.safetensors", out, list(cases))


# ---------------------------------------------------------------- NMS

NMS_THRESHOLDS = (0.3, 0.5, 0.7)


def nms_fixtures(g):
    cases = OrderedDict()
    n = 160
    boxes = random_boxes(g, n, 100.0, 5.0, 40.0)
    cases["random"] = (boxes, torch.rand(n, generator=g), torch.randint(0, 4, (n,), generator=g))

    # Integer boxes in a few clusters with scores from three values: many exact ties.
    n = 80
    xy = (torch.randint(0, 4, (n, 2), generator=g) * 12 + torch.randint(0, 4, (n, 2), generator=g)).float()
    wh = torch.randint(8, 14, (n, 2), generator=g).float()
    scores = torch.tensor([0.9, 0.8, 0.5])[torch.randint(0, 3, (n,), generator=g)]
    cases["ties"] = (torch.cat([xy, xy + wh], 1), scores, torch.randint(0, 3, (n,), generator=g) * 5)

    identical = torch.tensor([[10.0, 10.0, 30.0, 30.0]] * 6 + [[12.0, 10.0, 32.0, 30.0]] * 2 + [[50.0, 50.0, 60.0, 60.0]] * 3)
    cases["identical"] = (identical,
                          torch.tensor([0.5, 0.7, 0.7, 0.3, 0.7, 0.1, 0.7, 0.9, 0.4, 0.4, 0.4]),
                          torch.tensor([0, 1, 0, 0, 1, 1, 0, 1, 2, 2, 3]))

    zero = torch.tensor([
        [5.0, 5.0, 5.0, 20.0],     # zero width
        [5.0, 5.0, 5.0, 20.0],     # the same degenerate box: IoU 0/0
        [0.0, 0.0, 20.0, 20.0],    # contains both
        [8.0, 8.0, 18.0, 8.0],     # zero height
        [7.0, 7.0, 7.0, 7.0],      # a point
        [7.0, 7.0, 7.0, 7.0],
        [1.0, 1.0, 19.0, 19.0],
    ])
    cases["zero_area"] = (zero, torch.tensor([0.9, 0.8, 0.85, 0.6, 0.95, 0.95, 0.7]), torch.tensor([0, 0, 0, 1, 0, 1, 0]))

    edge = torch.tensor([
        [0.0, 0.0, 10.0, 10.0],
        [0.0, 0.0, 10.0, 5.0],     # IoU 0.5 with box 0
        [0.0, 0.0, 10.0, 3.0],     # IoU 0.3 with box 0, 0.6 with box 1
        [20.0, 0.0, 30.0, 10.0],
        [20.0, 0.0, 30.0, 7.0],    # IoU 0.7 with box 3
        [40.0, 0.0, 50.0, 10.0],
        [40.0, 0.0, 50.0, 5.01],   # just above 0.5
    ])
    cases["threshold_edge"] = (edge, torch.tensor([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]), torch.tensor([0, 0, 0, 0, 0, 0, 0]))

    # Over 1000 boxes: batched_nms runs NMS class by class and then sorts the kept ones by score.
    n = 1200
    boxes = random_boxes(g, n, 400.0, 10.0, 60.0)
    cases["large"] = (boxes, torch.rand(n, generator=g), torch.randint(0, 6, (n,), generator=g))

    out = OrderedDict()
    for name, (boxes, scores, labels) in cases.items():
        out[f"{name}.boxes"] = boxes
        out[f"{name}.scores"] = scores
        out[f"{name}.labels"] = labels
        for thr in NMS_THRESHOLDS:
            out[f"{name}.keep@{thr}"] = nms(boxes, scores, thr)
            out[f"{name}.batched@{thr}"] = batched_nms(boxes, scores, labels, thr)
    save("nms.safetensors", out, list(cases))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(20240)
    anchor_fixtures()
    matcher_fixtures(g)
    box_coder_fixtures(g)
    nms_fixtures(g)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the fixtures for the resize and GeneralizedRCNNTransform parity tests.

Run with Debian's python3 (torch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/make_transform_fixtures.py
Output: tests/RetinaSharp.Tests/Fixtures/Transform/ (manifest.json plus .npy arrays).
Arrays are little-endian, C order; the manifest names them and holds the scalar results.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.models.detection.transform import GeneralizedRCNNTransform, _resize_image_and_masks

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "RetinaSharp.Tests", "Fixtures", "Transform")
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def save(name, array):
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(array))
    return name


def resize_cases(rng):
    # (channels, in_h, in_w, scale_factor or None, explicit size or None)
    specs = [
        (3, 7, 11, 0.37, None),
        (3, 7, 11, 1.6, None),
        (2, 8, 12, 2.0, None),
        (2, 16, 10, 0.5, None),
        (1, 5, 9, None, (13, 4)),
        (1, 1, 6, None, (3, 1)),
        (3, 23, 31, 0.73, None),
        (1, 9, 9, 1.0, None),
        (3, 19, 27, 2.7, None),
        (1, 40, 13, 0.1, None),
        (2, 3, 4, 7.3, None),
    ]
    cases = []
    for i, (c, h, w, s, size) in enumerate(specs):
        x = torch.from_numpy(rng.standard_normal((1, c, h, w)).astype(np.float32) * 2)
        if s is not None:
            y = F.interpolate(x, scale_factor=s, mode="bilinear", align_corners=False, recompute_scale_factor=True)
        else:
            y = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
        cases.append({
            "input": save(f"resize{i}_in", x[0].numpy()),
            "output": save(f"resize{i}_out", y[0].numpy()),
            "scale": s,
            "outHeight": int(y.shape[2]),
            "outWidth": int(y.shape[3]),
        })
    return cases


def random_boxes(rng, h, w, n):
    x1 = rng.uniform(0, w * 0.6, n)
    y1 = rng.uniform(0, h * 0.6, n)
    x2 = x1 + rng.uniform(1, w * 0.4, n)
    y2 = y1 + rng.uniform(1, h * 0.4, n)
    return np.stack([x1, y1, x2, y2], 1).astype(np.float32)


def transform_case(rng, name, min_size, max_size, shapes, full_output):
    t = GeneralizedRCNNTransform(min_size, max_size, MEAN, STD)
    t.eval()
    images, targets, case_images = [], [], []
    for i, (h, w) in enumerate(shapes):
        pixels = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        boxes = random_boxes(rng, h, w, 3)
        images.append(torch.from_numpy(pixels).permute(2, 0, 1).float() / 255)
        targets.append({"boxes": torch.from_numpy(boxes), "labels": torch.zeros(3, dtype=torch.int64)})
        case_images.append({"pixels": save(f"{name}_img{i}", pixels), "boxes": save(f"{name}_boxes{i}", boxes)})
    with torch.no_grad():
        batch, out_targets = t(images, targets)
    tensors = batch.tensors
    predictions = []
    for i, (h, w) in enumerate(batch.image_sizes):
        case_images[i]["resizedHeight"] = int(h)
        case_images[i]["resizedWidth"] = int(w)
        case_images[i]["resizedBoxes"] = save(f"{name}_rboxes{i}", out_targets[i]["boxes"].numpy())
        pred = random_boxes(rng, h, w, 4)
        case_images[i]["predictedBoxes"] = save(f"{name}_pred{i}", pred)
        predictions.append({"boxes": torch.from_numpy(pred)})
    mapped = t.postprocess(predictions, batch.image_sizes, [tuple(s) for s in shapes])
    for i, m in enumerate(mapped):
        case_images[i]["mappedBoxes"] = save(f"{name}_mapped{i}", m["boxes"].numpy())
    case = {
        "name": name,
        "minSize": min_size,
        "maxSize": max_size,
        "batchShape": list(tensors.shape),
        "images": case_images,
        "sum": float(tensors.double().sum()),
        "absSum": float(tensors.double().abs().sum()),
    }
    if full_output:
        case["batch"] = save(f"{name}_batch", tensors.numpy())
    else:
        rows = [0, 1, tensors.shape[2] // 2, tensors.shape[2] - 1]
        case["rows"] = rows
        case["rowSlices"] = save(f"{name}_rows", tensors[:, :, rows, :].numpy())
    return case


def size_cases(rng):
    # Output sizes over many shapes, straight from torchvision's resize helper. Where torch
    # refuses (a side of 0 pixels), the entry holds the 0 so the test can check our clamp to 1.
    shapes = [(480, 640), (640, 480), (427, 640), (375, 500), (333, 500), (1, 1), (1, 2000), (2000, 1),
              (799, 1333), (800, 1333), (801, 1334), (1000, 1000), (3, 7)]
    shapes += [(int(a), int(b)) for a, b in rng.integers(1, 2000, (120, 2))]
    settings = [(800, 1333), (64, 100), (600, 1000), (512, 512), (1333, 1333)]
    cases = []
    for min_size, max_size in settings:
        for h, w in shapes:
            img = torch.zeros((1, h, w))
            try:
                out, _ = _resize_image_and_masks(img, float(min_size), float(max_size))
                cases.append([min_size, max_size, h, w, int(out.shape[1]), int(out.shape[2])])
            except RuntimeError:
                # torch refuses a side that would round down to 0 pixels; record the raw floor.
                scale = min(float(np.float32(1) / np.float32(min(h, w)) * np.float32(min_size)),
                            float(np.float32(1) / np.float32(max(h, w)) * np.float32(max_size)))
                cases.append([min_size, max_size, h, w, math.floor(h * scale), math.floor(w * scale)])
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy") or f == "manifest.json":
            os.remove(os.path.join(OUT, f))
    rng = np.random.default_rng(20240611)
    torch.manual_seed(0)
    manifest = {
        "torch": torch.__version__,
        "mean": MEAN,
        "std": STD,
        "resize": resize_cases(rng),
        "transforms": [
            transform_case(rng, "small", 48, 64, [(37, 53), (60, 29), (10, 70)], True),
            transform_case(rng, "default", 800, 1333, [(6, 9)], False),
        ],
        "sizes": size_cases(rng),
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, separators=(",", ":"))


if __name__ == "__main__":
    main()

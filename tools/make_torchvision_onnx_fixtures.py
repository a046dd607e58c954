#!/usr/bin/env python3
"""torchvision's own ONNX export of the RetinaNet parity fixtures, for the export tests.

Rebuilds the v1 fixture model of make_retinanet_fixtures.py, loads its saved weights
(tests/RetinaSharp.Tests/Fixtures/retinanet/v1_weights.pth) and writes torch.onnx.export's graph
(torchvision's export contract: one image [3, H, W] in [0, 1] with dynamic H and W; boxes,
scores, labels out; min_size 48, max_size 80, score 0.05, 100 detections). The export tests run
it and ours in ONNX Runtime on the same photos and compare.

Run with Debian's python3 (python3-torch 1.13, python3-torchvision 0.14, python3-onnx):
    /usr/bin/python3 tools/make_torchvision_onnx_fixtures.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from make_retinanet_fixtures import build  # noqa: E402

HERE = os.path.dirname(__file__)
WEIGHTS = os.path.join(HERE, "..", "tests", "RetinaSharp.Tests", "Fixtures", "retinanet")
OUT = os.path.join(HERE, "..", "tests", "RetinaSharp.Export.Tests", "Fixtures")


def main():
    os.makedirs(OUT, exist_ok=True)
    # v1 only: v2's group-norm heads see a 1×1 P7 at this input size, where torch refuses group norm.
    for version in ("v1",):
        model = build(version == "v2", torch.Generator().manual_seed(0))
        model.load_state_dict(torch.load(os.path.join(WEIGHTS, f"{version}_weights.pth")))
        model.eval()
        example = [torch.rand(3, 61, 97, generator=torch.Generator().manual_seed(1))]
        path = os.path.join(OUT, f"torchvision_{version}.onnx")
        torch.onnx.export(model, (example,), path, opset_version=11, do_constant_folding=True,
                          input_names=["image"], output_names=["boxes", "scores", "labels"],
                          dynamic_axes={"image": [1, 2], "boxes": [0, 1], "scores": [0], "labels": [0]})
        print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""torchvision RetinaNet parity fixtures.

Builds torchvision's RetinaNet (v1 and v2 layouts) around a narrow ResNet-18 (stage widths
8/8/16/32, i.e. RetinaSharp's resnet18 at width 1/16; FPN 32 channels) so the files stay small, with random weights and random frozen
batch-norm statistics, and saves the weights (torch.save, read back through our .pth reader)
plus inputs and every intermediate (safetensors): transformed batch, pyramid features, head
outputs, anchors, matcher results, both losses, a few parameter gradients, and the final
detections with the classification bias raised so random weights give scores above 0.05.

Run with Debian's python3 (python3-torch, python3-torchvision):
    /usr/bin/python3 tools/make_retinanet_fixtures.py
"""
import json
import os
import struct
from collections import OrderedDict
from functools import partial

import torch
import torchvision
from torchvision.models.detection import RetinaNet
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.detection.retinanet import RetinaNetHead
from torchvision.models.resnet import BasicBlock, ResNet
from torchvision.ops import FrozenBatchNorm2d
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "RetinaSharp.Tests", "Fixtures", "retinanet")
NUM_CLASSES = 5
FPN = 32


def narrow_resnet18():
    net = ResNet(BasicBlock, [2, 2, 2, 2], norm_layer=FrozenBatchNorm2d)
    net.inplanes = 8
    net.conv1 = torch.nn.Conv2d(3, 8, 7, 2, 3, bias=False)
    net.bn1 = FrozenBatchNorm2d(8)
    net.layer1 = net._make_layer(BasicBlock, 8, 2)
    net.layer2 = net._make_layer(BasicBlock, 8, 2, stride=2)
    net.layer3 = net._make_layer(BasicBlock, 16, 2, stride=2)
    net.layer4 = net._make_layer(BasicBlock, 32, 2, stride=2)
    net.fc = torch.nn.Linear(32, 10)
    return net


def build(v2, g):
    body = narrow_resnet18()
    extra = LastLevelP6P7(32, FPN) if v2 else LastLevelP6P7(FPN, FPN)
    # torchvision picks P5 or C5 by comparing channel counts; here C5 and the FPN both have 32, so
    # force v2's C5 input explicitly.
    extra.use_P5 = not v2
    backbone = _resnet_fpn_extractor(body, 5, returned_layers=[2, 3, 4], extra_blocks=extra)
    # _resnet_fpn_extractor assumes torchvision's stage widths; rebuild the FPN for the narrow ones.
    from torchvision.ops.feature_pyramid_network import FeaturePyramidNetwork
    backbone.fpn = FeaturePyramidNetwork([8, 16, 32], FPN, extra_blocks=extra)
    backbone.out_channels = FPN
    head = RetinaNetHead(FPN, 9, NUM_CLASSES, norm_layer=partial(torch.nn.GroupNorm, 32) if v2 else None)
    if v2:
        head.regression_head._loss_type = "giou"
    model = RetinaNet(backbone, NUM_CLASSES, min_size=48, max_size=80, head=head, detections_per_img=100)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                p.copy_(torch.randn(p.shape, generator=g) * (1.0 / (p[0].numel() ** 0.5)))
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.1 + (1.0 if name.endswith(".weight") else 0.0))
        for name, b in model.named_buffers():
            if name.endswith("running_mean") or name.endswith(".bias"):
                b.copy_(torch.randn(b.shape, generator=g) * 0.1)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)
            elif name.endswith(".weight"):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)
    return model


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.int64:
            dt = "I64"
        else:
            t, dt = t.float(), "F32"
        raw = t.numpy().tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def run(v2):
    tag = "v2" if v2 else "v1"
    g = torch.Generator().manual_seed(42 + int(v2))
    model = build(v2, g)
    torch.save(model.state_dict(), os.path.join(OUT, f"{tag}_weights.pth"))
    images = [torch.rand((3, 61, 80), generator=g), torch.rand((3, 75, 50), generator=g)]
    targets = [
        {"boxes": torch.tensor([[5.0, 8.0, 40.0, 50.0], [30.0, 2.0, 75.0, 30.0], [10.0, 10.0, 22.0, 19.0]]),
         "labels": torch.tensor([1, 4, 2])},
        {"boxes": torch.zeros((0, 4)), "labels": torch.zeros((0,), dtype=torch.int64)},
    ]
    out = OrderedDict()
    for i, im in enumerate(images):
        out[f"image{i}"] = im

    model.train()
    il, tg = model.transform(images, [{k: v.clone() for k, v in t.items()} for t in targets])
    out["batch"] = il.tensors
    out["image_sizes"] = torch.tensor(il.image_sizes, dtype=torch.int64)
    for i, t in enumerate(tg):
        out[f"target{i}_boxes"] = t["boxes"]
    feats = list(model.backbone(il.tensors).values())
    for i, f in enumerate(feats):
        out[f"feature{i}"] = f
    head_out = model.head(feats)
    out["cls_logits"] = head_out["cls_logits"]
    out["bbox_regression"] = head_out["bbox_regression"]
    anchors = model.anchor_generator(il, feats)
    out["anchors"] = anchors[0]
    losses = model.compute_loss(tg, head_out, anchors)
    out["loss_classification"] = losses["classification"].reshape(1)
    out["loss_bbox_regression"] = losses["bbox_regression"].reshape(1)
    matched = []
    for a, t in zip(anchors, tg):
        if t["boxes"].numel() == 0:
            matched.append(torch.full((a.size(0),), -1, dtype=torch.int64))
        else:
            matched.append(model.proposal_matcher(torchvision.ops.box_iou(t["boxes"], a)))
    for i, m in enumerate(matched):
        out[f"matched{i}"] = m
    model.zero_grad()
    (losses["classification"] + losses["bbox_regression"]).backward()
    grads = ["head.classification_head.cls_logits.bias", "head.regression_head.bbox_reg.weight",
             "backbone.fpn.inner_blocks.0.0.weight", "backbone.body.layer4.1.conv2.weight", "backbone.body.conv1.weight"]
    for name in grads:
        out["grad." + name] = dict(model.named_parameters())[name].grad

    model.eval()
    with torch.no_grad():
        model.head.classification_head.cls_logits.bias.add_(2.5)  # the test adds the same 2.5
        il, _ = model.transform(images)
        feats = list(model.backbone(il.tensors).values())
        head_out = model.head(feats)
        anchors = model.anchor_generator(il, feats)
        num_anchors_per_level = [x.size(2) * x.size(3) for x in feats]
        HW = sum(num_anchors_per_level)
        HWA = head_out["cls_logits"].size(1)
        A = HWA // HW
        num_anchors_per_level = [hw * A for hw in num_anchors_per_level]
        split_head = {k: list(head_out[k].split(num_anchors_per_level, dim=1)) for k in head_out}
        split_anchors = [list(a.split(num_anchors_per_level)) for a in anchors]
        dets = model.postprocess_detections(split_head, split_anchors, il.image_sizes)
        dets = model.transform.postprocess(dets, il.image_sizes, [im.shape[-2:] for im in images])
        for i, d in enumerate(dets):
            out[f"det{i}_boxes"] = d["boxes"]
            out[f"det{i}_scores"] = d["scores"]
            out[f"det{i}_labels"] = d["labels"]
    write_safetensors(os.path.join(OUT, f"{tag}_tensors.safetensors"), out)
    print(tag, {k: tuple(v.shape) for k, v in out.items() if k.startswith("det")}, float(losses["classification"]), float(losses["bbox_regression"]))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    run(False)
    run(True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Trains torchvision's RetinaNet with RetinaSharp's from-scratch recipes, then scores it with COCO AP.

The point is a like-for-like time-to-accuracy comparison: the same small architecture, the same
recipe and the same wall-clock budget on the same images, once with `retina train` and once with
PyTorch/torchvision (tested with Debian's torch 1.13 and torchvision 0.14, CPU).

    tools/train_torchvision.py --recipe tiny --train DATA --val DATA [--images DIR] [--val-images DIR]
                               (--time 600 | --iterations N) [--threads 2] --out DIR

    # RetinaSharp, the same run:
    retina train --recipe tiny --data DATA --val DATA --time 600s --threads 2 --eval-every 0 --out DIR

The raccoon set (datitran/raccoon_dataset) as CSV: --train data/train_labels.csv --val
data/test_labels.csv --images images (RetinaSharp resolves a CSV's image names beside the CSV, so
for `retina train` put the two CSV files, or links to them, in the image folder). The kangaroo set
(experiencor/kangaroo) as VOC: --train DIR --val DIR picks the same 125/39 split as
`retina train --data DIR --val DIR`; this script also finds its annots/ folder, RetinaSharp needs
it named annotations/ (`mv annots annotations` or a link).

Anchor matching, focal loss, box coding, the input transform and post-processing are torchvision's
own (torchvision.models.detection.RetinaNet); the script only supplies what torchvision cannot
express, each written to follow RetinaSharp's code:

  * Backbone: ResNet-18/34 of basic blocks with every stage's width scaled as ResNetSpec does
    (max(8, round(c * width / 8) * 8): width 0.5 gives stem 32 and stages 32, 64, 128, 256; width
    0.25 gives 16, 16, 32, 64, 128), GroupNorm everywhere batch norm would be (32 groups, or the
    largest divisor of the channel count below 32), all five stages trained, torchvision's ResNet
    initialisation. torchvision's ResNet class cannot scale basic-block widths, so the body is built
    here from torchvision's BasicBlock.
  * FPN on C3-C5 with the recipe's channel count, P6 from P5 and P7 from ReLU(P6) (RetinaNetConfig's
    P6FromC5 is false in these recipes; torchvision's LastLevelP6P7(C, C) then uses P5).
  * Heads: torchvision's RetinaNetHead with GroupNorm (convolutions without bias), its 4-conv towers
    replaced by HeadDepth convolutions, N(0, 0.01) weights, prior pi = 0.01 on the class bias.
  * Box loss: smooth L1 with beta 0.11 (RetinaNetConfig.SmoothL1Beta). torchvision 0.14 offers
    "smooth_l1" but calls it with beta 1.0; the regression head here passes beta 0.11.
  * Anchors: sizes (x, int(x 2^(1/3)), int(x 2^(2/3))) per level, ratios 0.5, 1, 2, with the base
    sizes fitted to the training boxes by TrainingRecipes.ForDataset (the smallest is 32, 16 or 8:
    the power of two at or below the 10th percentile of sqrt(box area) at the recipe's input size);
    --anchor-sizes overrides them.
  * Input: shorter side drawn per training image from TrainMinSizes (7/8, 15/16 and 1 of MinSize;
    GeneralizedRCNNTransform draws per image, as RetinaSharp does), MinSize for evaluation, longer
    side at most MaxSize, ImageNet mean/std, padding to a multiple of 32, horizontal flip with
    probability 0.5.
  * Batches: a reshuffle per epoch, images grouped by orientation (width < height or not) and a
    batch emitted whenever a group fills, the leftovers at the epoch's end (BatchPlanner);
    decoding runs on one background thread (one loader worker).
  * Optimiser: AdamW (betas 0.9/0.999, eps 1e-8) on every parameter with weight decay 1e-4
    (RetinaSharp does not exempt norms or biases), no gradient clipping, the recipe's learning rate
    and batch. Learning rate at step i: lr * warmup(i) * cosine(i), warmup linear from 0.1 over
    100 steps, cosine from 1 to 0 over the whole run (warmup included), as CosineSchedule does.
    A step whose loss is not finite is skipped.
  * --time S follows ScheduleFitHook and TimeBudgetHook: after 3 warm-up steps the next 10 are
    timed, the run is set to end at step + max(1, (0.95 S - elapsed) / step time), the warmup
    shrinks in proportion (round(100 * steps / recipe steps), at most 100), and the run stops
    anyway once S seconds of training have passed. --iterations N alone fixes the run length (with
    --time too, it is only the length the schedule starts from, as in `retina train`).
  * Data: a CSV (a header naming filename, xmin, ymin, xmax, ymax, class in any order, e.g.
    filename,width,height,class,xmin,ymin,xmax,ymax; or headerless path,x1,y1,x2,y2,class), boxes
    as written, image size from the image file; or a VOC folder. A VOC folder with ImageSets reads
    ImageSets/Main/{split}.txt; without it (annotations/ beside images/, or one folder of XML and
    JPEG) the held-out 20 % are picked by the same FNV-1a hash of the file stem as VocLayout, so
    --train DIR gives the "trainval" share and --val DIR the "test" share, exactly the images
    `retina train --data DIR --val DIR` uses. VOC boxes lose 1 on xmin and ymin (1-based pixels);
    boxes are clipped to the image, empty ones dropped; classes are the training set's names in
    ordinal order, category ids 1..K.
  * Evaluation: one image at a time (as RetinaSharp batches only equal padded sizes), score > 0.05,
    1000 candidates per level, NMS 0.5, 100 detections per image, boxes mapped back to the original
    image; COCO bbox AP with pycocotools when it is importable, otherwise with the compact
    re-implementation below (COCOeval's matching, accumulation and summary), which
    --check-eval DIR compares with pycocotools' numbers stored in tests/.../Fixtures/CocoEval.
    Both ground truth and detections are written as COCO JSON so either tool can score them.

Remaining differences (they do not change the architecture, the number of parameters or the
recipe, but make the two runs differ in detail):
  * Random streams: weight initialisation, shuffling, flips and size draws use torch/Python
    generators, not RetinaSharp's, so the runs see different (equally distributed) samples.
  * torchvision has no ignore regions: VOC objects marked difficult, which RetinaSharp treats as
    neither target nor background in training, are left out of training targets here (they still
    count as crowd regions in evaluation, as in RetinaSharp).
  * JPEG decoding is libjpeg's (PIL) here and RetinaSharp's own decoder there: pixels can differ by
    a level or so. Neither applies EXIF orientation.
  * With --val, `retina train` evaluates every 500 steps inside its budget unless given
    --eval-every 0; here evaluation runs only after training and is not counted in the budget.
  * torchvision's loss keeps the whole [anchors, classes] target tensor; RetinaSharp's sparse focal
    loss computes the same value differently (speed, not results).

--weights CHECKPOINT starts from the model weights of a RetinaSharp checkpoint of the same recipe
(the checkpoint's anchor sizes win over the refit), e.g. to start both runs from identical weights;
with --iterations 0 it only evaluates that checkpoint through torchvision's pipeline. --val-loss adds
the validation loss as DetectorEvaluation.Loss computes it (evaluation size, no flip).

Checked against RetinaSharp: the parameter names and shapes of all three recipes are identical
to RetinaNet.NamedParameters(); with RetinaSharp's initial weights loaded, the head outputs on the
same input agree to 2e-5 (values spread 0.2); a RetinaSharp tiny checkpoint evaluated here gives
the same detections (scores within 1e-6, boxes within 2e-4 px), AP and validation loss (focal and
smooth L1 terms) to six digits; the CSV and VOC readers give the same images, sizes, boxes, split
and fitted anchors; the learning rate equals CosineSchedule.At bit for bit.

Other modes: --params prints the parameter count of each recipe's model (compare with
RetinaSharp's RetinaNet.ParameterCount(); with one class: tiny 1 075 197, small 3 795 117,
medium 7 357 005), --check-eval DIR checks the COCO evaluator against stored pycocotools results.

Output: progress lines (step, loss, learning rate, images/s), then DIR/results.json (steps, wall
seconds, images/s, AP, AP50, AP75 and the other COCO numbers), DIR/detections.json (COCO results)
and DIR/gt.json (COCO ground truth).
"""

import argparse
import csv
import json
import math
import os
import queue
import random
import sys
import threading
import time
import xml.etree.ElementTree as ET

import numpy as np

RECIPES = {
    # name: backbone, width, fpn channels, head depth, min size, max size, batch, lr, iterations
    "tiny": ("resnet18", 0.25, 64, 2, 320, 512, 8, 2e-3, 1500),
    "small": ("resnet18", 0.5, 96, 3, 384, 640, 8, 1.5e-3, 3000),
    "medium": ("resnet34", 0.5, 128, 4, 512, 853, 4, 1e-3, 8000),
}
BLOCKS = {"resnet18": [2, 2, 2, 2], "resnet34": [3, 4, 6, 3]}
WARMUP_ITERATIONS = 100
WARMUP_FACTOR = 0.1
WEIGHT_DECAY = 1e-4
SMOOTH_L1_BETA = 0.11
PRIOR = 0.01
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
VAL_FRACTION = 0.2
STAT_NAMES = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
IMAGE_EXTENSIONS = (".jpg",)


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def parse_duration(text):
    """TrainingOverrides.ParseDuration: plain seconds or a number with s, m or h."""
    t = text.strip().lower()
    unit = 3600 if t.endswith("h") else 60 if t.endswith("m") else 1
    if t and t[-1].isalpha():
        t = t[:-1]
    try:
        value = float(t)
    except ValueError:
        value = float("nan")
    if t.endswith("s") or not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration: give a positive number with s, m or h (e.g. 10m)")
    return value * unit


def train_min_sizes(min_size):
    return [min_size * 7 // 8, min_size * 15 // 16, min_size]


# ---- data ------------------------------------------------------------------------------------

class Sample:
    __slots__ = ("image_id", "key", "path", "width", "height", "boxes", "labels", "ignore_boxes", "ignore_labels")

    def __init__(self, image_id, key, path):
        self.image_id, self.key, self.path = image_id, key, path
        self.width = self.height = 0
        self.boxes, self.labels, self.ignore_boxes, self.ignore_labels = [], [], [], []


def image_size(path):
    from PIL import Image
    with Image.open(path) as im:
        return im.size  # (width, height)


def finish_boxes(sample, objects, source):
    """Clips boxes to the image and drops empty ones, as SampleDraft.Finish does (float32 boxes)."""
    for (x1, y1, x2, y2), label, ignore in objects:
        b = np.array([x1, y1, x2, y2], dtype=np.float32)
        if not (b[2] > b[0] and b[3] > b[1]):
            print(f"warning: {source}: box {b.tolist()} is empty; dropped", file=sys.stderr)
            continue
        if sample.width > 0 and sample.height > 0:
            c = np.array([min(max(b[0], 0), sample.width), min(max(b[1], 0), sample.height),
                          min(max(b[2], 0), sample.width), min(max(b[3], 0), sample.height)], dtype=np.float32)
            if not (c[2] > c[0] and c[3] > c[1]):
                print(f"warning: {source}: box {b.tolist()} lies outside the image; dropped", file=sys.stderr)
                continue
            b = c
        (sample.ignore_boxes if ignore else sample.boxes).append(b)
        (sample.ignore_labels if ignore else sample.labels).append(label)


CSV_COLUMNS = [
    ["filename", "file_name", "file", "path", "image", "image_path", "img"],
    ["xmin", "x1", "left", "x_min"],
    ["ymin", "y1", "top", "y_min"],
    ["xmax", "x2", "right", "x_max"],
    ["ymax", "y2", "bottom", "y_max"],
    ["class", "label", "category", "class_name", "name"],
]


def read_csv(path, images_dir, class_names=None):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    order = None
    if rows:
        header = [c.strip().lower() for c in rows[0]]
        found = [next((i for i, h in enumerate(header) if h in names), -1) for names in CSV_COLUMNS]
        if all(i >= 0 for i in found):
            order, rows = found, rows[1:]
    records = []
    for n, row in enumerate(rows, start=2 if order else 1):
        if not row or (len(row) == 1 and row[0] == ""):
            continue
        fields = [row[i] for i in order] if order else row
        if len(fields) != 6:
            fail(f"{path}: line {n}: expected 6 fields (path,x1,y1,x2,y2,class), found {len(fields)}")
        records.append((n, fields))
    if class_names is None:
        class_names = sorted({f[5] for _, f in records if f[5]})
        if not class_names:
            fail(f"{path}: names no class")
    label_of = {c: i for i, c in enumerate(class_names)}
    images_dir = images_dir or os.path.dirname(os.path.abspath(path))
    samples, by_key, objects, bad = [], {}, {}, set()
    for n, f in records:
        key = f[0]
        if key not in by_key:
            s = Sample(len(samples), key, os.path.join(images_dir, key))
            by_key[key] = s
            samples.append(s)
            objects[key] = []
        if key in bad or all(v == "" for v in f[1:]):
            continue
        try:
            box = [float(v) for v in f[1:5]]
        except ValueError:
            print(f"warning: {path}: line {n}: a coordinate is not a number; image {key} left out", file=sys.stderr)
            bad.add(key)
            continue
        if f[5] not in label_of:
            print(f"warning: {path}: line {n}: class \"{f[5]}\" is not one of {class_names}; image {key} left out", file=sys.stderr)
            bad.add(key)
            continue
        objects[key].append((box, label_of[f[5]], False))
    kept = []
    for s in samples:
        if s.key in bad:
            continue
        if not os.path.isfile(s.path):
            print(f"warning: {path}: image file {s.path} does not exist; image left out", file=sys.stderr)
            continue
        s.width, s.height = image_size(s.path)
        finish_boxes(s, objects[s.key], path)
        kept.append(s)
    return kept, class_names


def child_dir(root, name):
    for entry in sorted(os.listdir(root)):
        if entry.lower() == name.lower() and os.path.isdir(os.path.join(root, entry)):
            return os.path.join(root, entry)
    return None


def is_held_out(stem, seed=0, fraction=VAL_FRACTION):
    """VocLayout.IsHeldOut: FNV-1a over the UTF-16 code units of the stem, xor-ed with the seed."""
    h = 14695981039346656037 ^ seed
    units = stem.encode("utf-16-le")
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return (h % 10000) < fraction * 10000


def voc_ids(root, split, split_seed):
    split_file = os.path.join(root, "ImageSets", "Main", split + ".txt")
    if os.path.isdir(os.path.join(root, "ImageSets")):
        if not os.path.isfile(split_file):
            fail(f"{split_file}: split file not found")
        with open(split_file, encoding="utf-8") as f:
            ids = [line.split()[0] for line in f if line.strip()]
        return os.path.join(root, "Annotations"), os.path.join(root, "JPEGImages"), ids
    # "annots" is the kangaroo set's name for the folder; RetinaSharp looks for annotations/ only.
    annotations = child_dir(root, "annotations") or child_dir(root, "annots") or root
    images = child_dir(root, "images") or child_dir(root, "JPEGImages") or annotations
    stems = sorted((os.path.splitext(n)[0] for n in os.listdir(annotations) if n.endswith(".xml")),
                   key=lambda s: s.encode("utf-16-be"))
    if not stems:
        fail(f"{root}: no VOC XML annotations found")
    held = split in ("val", "test")
    ids = stems if split == "all" else [s for s in stems if is_held_out(s, split_seed) == held]
    return annotations, images, ids


def read_voc(root, split, class_names=None, split_seed=0, difficult="ignore"):
    annotations, images, ids = voc_ids(root, split, split_seed)
    parsed = []
    for image_id, stem in enumerate(ids):
        xml_path = os.path.join(annotations, stem + ".xml")
        try:
            doc = ET.parse(xml_path).getroot()
        except (ET.ParseError, OSError) as e:
            print(f"warning: {xml_path}: {e}; image left out", file=sys.stderr)
            continue
        s = Sample(image_id, stem, os.path.join(images, stem + ".jpg"))
        size = doc.find("size")
        if size is not None:
            w, h = size.findtext("width"), size.findtext("height")
            if w and h and float(w) > 0 and float(h) > 0:
                s.width, s.height = int(float(w)), int(float(h))
        objects = []
        for obj in doc.findall("object"):
            name = (obj.findtext("name") or "").strip()
            d = (obj.findtext("difficult") or "").strip()
            bb = obj.find("bndbox")
            coords = [float(bb.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax")]
            objects.append((name, d == "1", [coords[0] - 1, coords[1] - 1, coords[2], coords[3]]))
        if not os.path.isfile(s.path):
            named = (doc.findtext("filename") or "").strip()
            if named and os.path.isfile(os.path.join(images, named)):
                s.path = os.path.join(images, named)
            else:
                print(f"warning: {xml_path}: image file {s.path} does not exist; image left out", file=sys.stderr)
                continue
        if s.width == 0 or s.height == 0:
            s.width, s.height = image_size(s.path)
        parsed.append((s, objects, xml_path))
    if class_names is None:
        class_names = sorted({name for _, objs, _ in parsed for name, _, _ in objs})
    label_of = {c: i for i, c in enumerate(class_names)}
    samples = []
    for s, objs, xml_path in parsed:
        if any(name not in label_of for name, _, _ in objs):
            print(f"warning: {xml_path}: a class is not one of {class_names}; image left out", file=sys.stderr)
            continue
        kept = [(box, label_of[name], diff and difficult == "ignore") for name, diff, box in objs
                if not (diff and difficult == "exclude")]
        finish_boxes(s, kept, xml_path)
        samples.append(s)
    return samples, class_names


def read_dataset(path, images_dir, split, class_names=None, split_seed=0):
    if os.path.isdir(path):
        return read_voc(path, split, class_names, split_seed)
    if path.lower().endswith((".csv", ".txt")):
        return read_csv(path, images_dir, class_names)
    fail(f"{path}: expected a CSV file or a VOC folder")


# ---- recipe pieces -----------------------------------------------------------------------------

def resize_scale(width, height, min_size, max_size):
    """DetectionTransform.ResizeScale: the float32 quotients torch computes, widened to double."""
    f = np.float32
    short, long = f(min(width, height)), f(max(width, height))
    by_short = (f(1) / short) * f(min_size)
    by_long = (f(1) / long) * f(max_size)
    return float(min(by_short, by_long))


def fitted_anchor_sizes(samples, min_size, max_size):
    """TrainingRecipes.ForDataset: the smallest anchor is 32, 16 or 8, at or below the boxes' 10th percentile."""
    sizes = []
    for s in samples:
        if s.width <= 0 or s.height <= 0:
            continue
        scale = resize_scale(s.width, s.height, min_size, max_size)
        for b in s.boxes:
            area = float(np.float32(b[2] - b[0]) * np.float32(b[3] - b[1]))
            sizes.append(math.sqrt(max(0.0, area)) * scale)
    if not sizes:
        return [32, 64, 128, 256, 512]
    sizes.sort()
    p10 = sizes[int(0.1 * (len(sizes) - 1))]
    smallest = 32 if p10 >= 32 else 16 if p10 >= 16 else 8
    return [smallest << i for i in range(5)]


def group_count(channels):
    """NormLayers.GroupCount: 32 groups, or the largest divisor below 32 for narrow layers."""
    for g in range(min(32, channels), 1, -1):
        if channels % g == 0:
            return g
    return 1


def scaled(c, width):
    """ResNetSpec.Scale. C#'s Math.Round rounds halves to even, as Python's round does."""
    return max(8, int(round(c * width / 8)) * 8)


def build_model(recipe, num_classes, anchor_sizes):
    import torch
    from torch import nn
    from torchvision.models.resnet import BasicBlock
    from torchvision.models.detection import RetinaNet
    from torchvision.models.detection.anchor_utils import AnchorGenerator
    from torchvision.models.detection.backbone_utils import BackboneWithFPN
    from torchvision.models.detection.retinanet import (RetinaNetClassificationHead, RetinaNetHead,
                                                        RetinaNetRegressionHead, _sum)
    from torchvision.models.detection import _utils as det_utils
    from torchvision.ops.feature_pyramid_network import LastLevelP6P7
    from torchvision.ops.misc import Conv2dNormActivation

    arch, width, fpn, depth, min_size, max_size = recipe[:6]

    def norm(channels):
        return nn.GroupNorm(group_count(channels), channels)

    class ScaledResNet(nn.Module):
        """torchvision's ResNet layout (same module names) with every width scaled as ResNetSpec does."""

        def __init__(self, layers, width):
            super().__init__()
            planes = [scaled(64 << i, width) for i in range(4)]
            self.inplanes = scaled(64, width)
            self.conv1 = nn.Conv2d(3, self.inplanes, 7, stride=2, padding=3, bias=False)
            self.bn1 = norm(self.inplanes)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
            for i, (p, n) in enumerate(zip(planes, layers)):
                setattr(self, f"layer{i + 1}", self._layer(p, n, 1 if i == 0 else 2))
            self.out_channels_list = planes
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                elif isinstance(m, nn.GroupNorm):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)

        def _layer(self, planes, blocks, stride):
            downsample = None
            if stride != 1 or self.inplanes != planes:
                downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False), norm(planes))
            layers = [BasicBlock(self.inplanes, planes, stride, downsample, norm_layer=norm)]
            self.inplanes = planes
            layers += [BasicBlock(planes, planes, norm_layer=norm) for _ in range(1, blocks)]
            return nn.Sequential(*layers)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def tower(channels):
        t = nn.Sequential(*[Conv2dNormActivation(channels, channels, norm_layer=norm) for _ in range(depth)])
        for m in t.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, std=0.01)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        return t

    class ClassificationHead(RetinaNetClassificationHead):
        def __init__(self, channels, anchors, classes):
            super().__init__(channels, anchors, classes, prior_probability=PRIOR, norm_layer=norm)
            self.conv = tower(channels)

    class SmoothL1RegressionHead(RetinaNetRegressionHead):
        """torchvision's regression head with a HeadDepth tower and smooth L1 at RetinaSharp's beta."""

        def __init__(self, channels, anchors):
            super().__init__(channels, anchors, norm_layer=norm)
            self.conv = tower(channels)
            self._loss_type = "smooth_l1"

        def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
            losses = []
            for t, reg, anc, matched in zip(targets, head_outputs["bbox_regression"], anchors, matched_idxs):
                fg = torch.where(matched >= 0)[0]
                losses.append(det_utils._box_loss(self._loss_type, self.box_coder, anc[fg, :], t["boxes"][matched[fg]],
                                                  reg[fg, :], cnf={"beta": SMOOTH_L1_BETA}) / max(1, fg.numel()))
            return _sum(losses) / max(1, len(targets))

    body = ScaledResNet(BLOCKS[arch], width)
    c = body.out_channels_list
    backbone = BackboneWithFPN(body, {"layer2": "0", "layer3": "1", "layer4": "2"}, [c[1], c[2], c[3]], fpn,
                               extra_blocks=LastLevelP6P7(fpn, fpn))
    sizes = tuple((x, int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3))) for x in anchor_sizes)
    anchor_gen = AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * len(sizes))
    anchors = anchor_gen.num_anchors_per_location()[0]
    head = RetinaNetHead(fpn, anchors, num_classes, norm_layer=norm)
    head.classification_head = ClassificationHead(fpn, anchors, num_classes)
    head.regression_head = SmoothL1RegressionHead(fpn, anchors)
    return RetinaNet(backbone, num_classes, min_size=tuple(train_min_sizes(min_size)), max_size=max_size,
                     image_mean=MEAN, image_std=STD, anchor_generator=anchor_gen, head=head,
                     score_thresh=0.05, nms_thresh=0.5, detections_per_img=100, fg_iou_thresh=0.5,
                     bg_iou_thresh=0.4, topk_candidates=1000)


def read_safetensors(path, prefix="model."):
    """The float32 tensors of a safetensors file whose names start with prefix (a RetinaSharp checkpoint's "model.*")."""
    import torch
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or not name.startswith(prefix):
            continue
        if info["dtype"] != "F32":
            fail(f"{path}: tensor {name} is {info['dtype']}, only F32 is read")
        begin, end = info["data_offsets"]
        a = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name[len(prefix):]] = torch.from_numpy(a.copy())
    return tensors, header.get("__metadata__", {})


def load_weights(model, path):
    tensors, _ = read_safetensors(path)
    own = model.state_dict()
    missing = sorted(set(own) - set(tensors))
    extra = sorted(set(tensors) - set(own))
    wrong = sorted(k for k in set(own) & set(tensors) if tuple(own[k].shape) != tuple(tensors[k].shape))
    if missing or extra or wrong:
        fail(f"{path}: does not fit the {len(own)}-tensor model: missing {missing[:3]}, unexpected {extra[:3]}, "
             f"other shapes {wrong[:3]} (same --recipe and classes?)")
    model.load_state_dict(tensors)


def learning_rate(base, iteration, total, warmup):
    """CosineSchedule.At: base * linear warmup from 0.1 * cosine over the whole run, held at 0 past it."""
    w = 1.0
    if warmup > 0 and iteration < warmup:
        a = iteration / warmup
        w = WARMUP_FACTOR * (1 - a) + a
    t = min(iteration, total)
    # The recipe's rate is a float32, the product is rounded to float32: RetinaSharp's arithmetic.
    return float(np.float32(float(np.float32(base)) * w * 0.5 * (1 + math.cos(math.pi * t / total))))


# ---- batches -----------------------------------------------------------------------------------

def plan_epoch(samples, batch, rng):
    """BatchPlanner.Plan for training: shuffle, deal into orientation groups, emit full groups, then leftovers."""
    order = list(range(len(samples)))
    rng.shuffle(order)
    groups = {0: [], 1: []}
    batches = []
    for i in order:
        s = samples[i]
        g = 0 if s.width > 0 and s.height > 0 and s.width < s.height else 1
        groups[g].append(i)
        if len(groups[g]) == batch:
            batches.append(groups[g])
            groups[g] = []
    for g in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        if groups[g]:
            batches.append(groups[g])
    return batches


def load_image(path, flip):
    import torch
    from PIL import Image, ImageFile
    # A truncated JPEG decodes as far as it goes, the rest mid-grey: libjpeg's behaviour, and RetinaSharp's.
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    with Image.open(path) as im:
        im = im.convert("RGB")
        if flip:
            im = im.transpose(Image.FLIP_LEFT_RIGHT)
        a = np.asarray(im)
    return torch.from_numpy(a.copy()).permute(2, 0, 1).float().div_(255)


def training_batches(samples, batch, flip_p, seed, stop):
    """Yields (images, targets) without end; one background thread decodes ahead."""
    import torch
    q = queue.Queue(maxsize=2)

    def work():
        rng = random.Random(seed)
        epoch = 0
        while not stop.is_set():
            for indices in plan_epoch(samples, batch, rng):
                images, targets = [], []
                for i in indices:
                    s = samples[i]
                    flip = rng.random() < flip_p
                    img = load_image(s.path, flip)
                    boxes = np.array(s.boxes, dtype=np.float32).reshape(-1, 4)
                    if flip and len(boxes):
                        w = np.float32(img.shape[2])
                        boxes = np.stack([w - boxes[:, 2], boxes[:, 1], w - boxes[:, 0], boxes[:, 3]], axis=1)
                    images.append(img)
                    targets.append({"boxes": torch.from_numpy(np.ascontiguousarray(boxes)),
                                    "labels": torch.tensor(s.labels, dtype=torch.int64)})
                while not stop.is_set():
                    try:
                        q.put((images, targets), timeout=0.5)
                        break
                    except queue.Full:
                        pass
                if stop.is_set():
                    return
            epoch += 1

    threading.Thread(target=work, daemon=True).start()
    while True:
        yield q.get()


# ---- COCO evaluation ---------------------------------------------------------------------------

def coco_ground_truth(samples, class_names):
    images, annotations = [], []
    ann_id = 1
    for s in samples:
        images.append({"id": s.image_id, "file_name": s.key, "width": s.width, "height": s.height})
        for boxes, labels, crowd in ((s.boxes, s.labels, 0), (s.ignore_boxes, s.ignore_labels, 1)):
            for b, label in zip(boxes, labels):
                w, h = float(np.float32(b[2] - b[0])), float(np.float32(b[3] - b[1]))
                annotations.append({"id": ann_id, "image_id": s.image_id, "category_id": label + 1,
                                    "bbox": [float(b[0]), float(b[1]), w, h], "area": w * h, "iscrowd": crowd})
                ann_id += 1
    categories = [{"id": i + 1, "name": n} for i, n in enumerate(class_names)]
    return {"images": images, "annotations": annotations, "categories": categories}


def bbox_iou(d, g, crowd):
    """maskUtils.iou for xywh boxes: intersection over union, or over the detection's area for crowd boxes."""
    ious = np.zeros((len(d), len(g)))
    for j, gb in enumerate(g):
        ga = gb[2] * gb[3]
        for i, db in enumerate(d):
            w = min(db[0] + db[2], gb[0] + gb[2]) - max(db[0], gb[0])
            if w <= 0:
                continue
            h = min(db[1] + db[3], gb[1] + gb[3]) - max(db[1], gb[1])
            if h <= 0:
                continue
            inter = w * h
            u = db[2] * db[3] if crowd[j] else db[2] * db[3] + ga - inter
            ious[i, j] = inter / u
    return ious


def coco_eval(gt, results):
    """COCOeval (bbox) on in-memory COCO dicts; returns the 12 summary numbers by name."""
    try:
        import contextlib
        import io
        if not hasattr(np, "float") or np.float is not float:
            np.float = float  # cocoeval.accumulate still uses the removed alias
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
        with contextlib.redirect_stdout(io.StringIO()):
            c = COCO()
            c.dataset = json.loads(json.dumps(gt))
            c.createIndex()
            d = c.loadRes(json.loads(json.dumps(results))) if results else COCO()
            e = COCOeval(c, d, "bbox")
            e.evaluate()
            e.accumulate()
            e.summarize()
        return dict(zip(STAT_NAMES, (float(v) for v in e.stats))), "pycocotools"
    except ImportError:
        return compact_coco_eval(gt, results), "compact"


def compact_coco_eval(gt, results):
    iou_thrs = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
    rec_thrs = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)
    max_dets = [1, 10, 100]
    area_rngs = [[0, 1e10], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e10]]
    img_ids = sorted(i["id"] for i in gt["images"])
    cat_ids = sorted(c["id"] for c in gt["categories"])
    gts, dts = {}, {}
    known, listed = set(img_ids), set(cat_ids)
    # As COCO's index: annotations are looked up by id (a repeated id resolves to the last one), and
    # only those of listed images and categories are evaluated.
    by_id = {a["id"]: a for a in gt["annotations"]}
    for a in gt["annotations"]:
        a = by_id[a["id"]]
        if a["image_id"] in known and a["category_id"] in listed:
            gts.setdefault((a["image_id"], a["category_id"]), []).append(a)
    for k, r in enumerate(results):
        if r["image_id"] not in known:
            raise ValueError("results name an image the ground truth does not have")
        b = r["bbox"]
        d = dict(r, id=k + 1, area=b[2] * b[3], iscrowd=0)
        if r["category_id"] in listed:
            dts.setdefault((r["image_id"], r["category_id"]), []).append(d)

    ious = {}
    for i in img_ids:
        for c in cat_ids:
            g, d = gts.get((i, c), []), dts.get((i, c), [])
            if not g or not d:
                ious[i, c] = []
                continue
            order = np.argsort([-x["score"] for x in d], kind="mergesort")
            d = [d[j] for j in order][:max_dets[-1]]
            ious[i, c] = bbox_iou([x["bbox"] for x in d], [x["bbox"] for x in g], [int(x["iscrowd"]) for x in g])

    def evaluate_img(i, c, rng, max_det):
        g, d = gts.get((i, c), []), dts.get((i, c), [])
        if not g and not d:
            return None
        g_ignore = [1 if (x["iscrowd"] or x["area"] < rng[0] or x["area"] > rng[1]) else 0 for x in g]
        gind = np.argsort(g_ignore, kind="mergesort")
        g = [g[j] for j in gind]
        g_ig = np.array([g_ignore[j] for j in gind])
        dind = np.argsort([-x["score"] for x in d], kind="mergesort")
        d = [d[j] for j in dind[:max_det]]
        crowd = [int(x["iscrowd"]) for x in g]
        iou = ious[i, c][:, gind] if len(ious[i, c]) > 0 else ious[i, c]
        T, G, D = len(iou_thrs), len(g), len(d)
        gtm, dtm = np.zeros((T, G)), np.zeros((T, D))
        dt_ig = np.zeros((T, D))
        if len(iou):
            for ti, t in enumerate(iou_thrs):
                for di in range(D):
                    best = min([t, 1 - 1e-10])
                    m = -1
                    for gi in range(G):
                        if gtm[ti, gi] > 0 and not crowd[gi]:
                            continue
                        if m > -1 and g_ig[m] == 0 and g_ig[gi] == 1:
                            break
                        if iou[di, gi] < best:
                            continue
                        best = iou[di, gi]
                        m = gi
                    if m == -1:
                        continue
                    dt_ig[ti, di] = g_ig[m]
                    dtm[ti, di] = g[m]["id"]
                    gtm[ti, m] = d[di]["id"]
        out = np.array([x["area"] < rng[0] or x["area"] > rng[1] for x in d]).reshape((1, D))
        dt_ig = np.logical_or(dt_ig, np.logical_and(dtm == 0, np.repeat(out, T, 0)))
        return {"dtMatches": dtm, "dtScores": [x["score"] for x in d], "gtIgnore": g_ig, "dtIgnore": dt_ig}

    T, R, K, A, M = len(iou_thrs), len(rec_thrs), len(cat_ids), len(area_rngs), len(max_dets)
    precision = -np.ones((T, R, K, A, M))
    recall = -np.ones((T, K, A, M))
    for k, c in enumerate(cat_ids):
        for a, rng in enumerate(area_rngs):
            E_all = [evaluate_img(i, c, rng, max_dets[-1]) for i in img_ids]
            E = [e for e in E_all if e is not None]
            if not E:
                continue
            for m, max_det in enumerate(max_dets):
                scores = np.concatenate([e["dtScores"][0:max_det] for e in E])
                inds = np.argsort(-scores, kind="mergesort")
                dtm = np.concatenate([e["dtMatches"][:, 0:max_det] for e in E], axis=1)[:, inds]
                dt_ig = np.concatenate([e["dtIgnore"][:, 0:max_det] for e in E], axis=1)[:, inds]
                g_ig = np.concatenate([e["gtIgnore"] for e in E])
                npig = np.count_nonzero(g_ig == 0)
                if npig == 0:
                    continue
                tps = np.logical_and(dtm, np.logical_not(dt_ig))
                fps = np.logical_and(np.logical_not(dtm), np.logical_not(dt_ig))
                tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
                fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
                for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
                    nd = len(tp)
                    rc = tp / npig
                    pr = tp / (fp + tp + np.spacing(1))
                    q = np.zeros((R,))
                    recall[t, k, a, m] = rc[-1] if nd else 0
                    pr = pr.tolist()
                    q = q.tolist()
                    for i in range(nd - 1, 0, -1):
                        if pr[i] > pr[i - 1]:
                            pr[i - 1] = pr[i]
                    ri_inds = np.searchsorted(rc, rec_thrs, side="left")
                    try:
                        for ri, pi in enumerate(ri_inds):
                            q[ri] = pr[pi]
                    except IndexError:
                        pass
                    precision[t, :, k, a, m] = np.array(q)

    def summarize(ap, iou_thr=None, area=0, max_det=100):
        m = max_dets.index(max_det)
        if ap:
            s = precision
            if iou_thr is not None:
                s = s[np.where(iou_thr == iou_thrs)[0]]
            s = s[:, :, :, area, m]
        else:
            s = recall
            if iou_thr is not None:
                s = s[np.where(iou_thr == iou_thrs)[0]]
            s = s[:, :, area, m]
        return -1.0 if len(s[s > -1]) == 0 else float(np.mean(s[s > -1]))

    stats = [summarize(1), summarize(1, .5), summarize(1, .75), summarize(1, area=1), summarize(1, area=2),
             summarize(1, area=3), summarize(0, max_det=1), summarize(0, max_det=10), summarize(0),
             summarize(0, area=1), summarize(0, area=2), summarize(0, area=3)]
    return dict(zip(STAT_NAMES, stats))


def check_eval(folder):
    """Scores every stored case with the compact evaluator and compares with pycocotools' numbers."""
    worst = 0.0
    cases = sorted(d for d in os.listdir(folder) if os.path.isfile(os.path.join(folder, d, "expected.json")))
    if not cases:
        fail(f"{folder}: no cases (folders with gt.json, dets.json, expected.json)")
    for case in cases:
        with open(os.path.join(folder, case, "gt.json")) as f:
            gt = json.load(f)
        with open(os.path.join(folder, case, "dets.json")) as f:
            dets = json.load(f)
        with open(os.path.join(folder, case, "expected.json")) as f:
            expected = json.load(f)["stats"]
        got = compact_coco_eval(gt, dets)
        diff = max(abs(got[n] - expected[n]) for n in STAT_NAMES)
        worst = max(worst, diff)
        print(f"{case}: AP {got['AP']:.6f} (pycocotools {expected['AP']:.6f}), largest difference over 12 stats {diff:.2e}")
    print("compact COCO evaluation matches pycocotools" if worst < 1e-9 else "MISMATCH")
    return 0 if worst < 1e-9 else 1


# ---- main --------------------------------------------------------------------------------------

def evaluate(model, samples, class_names):
    import torch
    model.eval()
    results = []
    with torch.no_grad():
        for s in samples:
            out = model([load_image(s.path, False)])[0]
            for b, score, label in zip(out["boxes"].tolist(), out["scores"].tolist(), out["labels"].tolist()):
                results.append({"image_id": s.image_id, "category_id": int(label) + 1,
                                "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "score": score})
    gt = coco_ground_truth(samples, class_names)
    stats, evaluator = coco_eval(gt, results)
    return gt, results, stats, evaluator


def validation_loss(model, samples):
    """DetectorEvaluation.Loss: the training loss at the evaluation size, no flip, averaged over images."""
    import torch
    sizes = model.transform.min_size
    model.transform.min_size = (sizes[-1],)
    model.train()
    cls = box = 0.0
    try:
        with torch.no_grad():
            for s in samples:
                target = {"boxes": torch.tensor(np.array(s.boxes, dtype=np.float32).reshape(-1, 4)),
                          "labels": torch.tensor(s.labels, dtype=torch.int64)}
                losses = model([load_image(s.path, False)], [target])
                cls += float(losses["classification"])
                box += float(losses["bbox_regression"])
    finally:
        model.transform.min_size = sizes
    return cls / len(samples), box / len(samples)


def print_params():
    import torch
    for name, recipe in RECIPES.items():
        model = build_model(recipe, 1, [32, 64, 128, 256, 512])
        n = sum(p.numel() for p in model.parameters())
        body = sum(p.numel() for p in model.backbone.body.parameters())
        print(f"{name}: {n} parameters ({body} in the ResNet body), 1 class")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipe", choices=sorted(RECIPES), default="tiny")
    p.add_argument("--train", help="training set: a CSV file or a VOC folder")
    p.add_argument("--val", help="validation set: a CSV file or a VOC folder")
    p.add_argument("--images", help="image folder of a CSV training set (default: the CSV's folder)")
    p.add_argument("--val-images", help="image folder of a CSV validation set (default: --images, else the CSV's folder)")
    p.add_argument("--split", default="trainval", help="VOC image set of --train (default trainval)")
    p.add_argument("--val-split", default="test", help="VOC image set of --val (default test)")
    p.add_argument("--split-seed", type=int, default=0, help="seed of the held-out share of a VOC folder without ImageSets")
    p.add_argument("--time", type=parse_duration, help="fit the whole schedule into this much training time: 600, 90s, 10m, 1.5h")
    p.add_argument("--iterations", type=int, help="optimiser steps (default: the recipe's); 0 evaluates only")
    p.add_argument("--warmup", type=int, help="linear warmup steps (default: 100, as the recipes)")
    p.add_argument("--weights", help="start from a RetinaSharp checkpoint's model weights (last.safetensors of the same recipe)")
    p.add_argument("--anchor-sizes", type=int, nargs=5, help="base anchor sizes of P3..P7 (default: fitted as RetinaSharp does)")
    p.add_argument("--batch", type=int, help="images per step (default: the recipe's)")
    p.add_argument("--lr", type=float, help="learning rate (default: the recipe's)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log-every", type=int, default=20)
    p.add_argument("--out", help="output folder")
    p.add_argument("--val-loss", action="store_true", help="also compute the validation loss (val_classification, val_box_regression)")
    p.add_argument("--params", action="store_true", help="print each recipe's parameter count and exit")
    p.add_argument("--check-eval", metavar="DIR", help="compare the compact COCO evaluation with stored pycocotools results and exit")
    args = p.parse_args()

    if args.check_eval:
        return check_eval(args.check_eval)
    import torch
    torch.set_num_threads(args.threads)
    if args.params:
        return print_params()
    if not (args.train and args.val and args.out):
        p.error("--train, --val and --out are needed")
    if args.time is not None and not args.time > 0:
        p.error("--time must be positive")
    if args.iterations is not None and args.iterations < 0:
        p.error("--iterations must be 0 or positive")
    torch.manual_seed(args.seed)

    recipe = RECIPES[args.recipe]
    arch, width, fpn, depth, min_size, max_size, batch, lr, iterations = recipe
    batch = args.batch or batch
    lr = args.lr or lr
    total = iterations if args.iterations is None else args.iterations
    warmup = WARMUP_ITERATIONS if args.warmup is None else args.warmup
    train, class_names = read_dataset(args.train, args.images, args.split, None, args.split_seed)
    val, _ = read_dataset(args.val, args.val_images or args.images, args.val_split, class_names, args.split_seed)
    if not train or not val:
        fail("the training or validation set has no usable images")
    anchors = args.anchor_sizes or fitted_anchor_sizes(train, min_size, max_size)
    if args.weights:
        # The checkpoint's own settings win over the refit; any other difference from the recipe is an error.
        config = json.loads(read_safetensors(args.weights, prefix="\0")[1].get("retinasharp.config", "{}"))
        if not args.anchor_sizes and config.get("AnchorSizes"):
            anchors = config["AnchorSizes"]
        expected = {"Backbone": arch, "BackboneWidth": width, "FpnChannels": fpn, "HeadDepth": depth, "MinSize": min_size,
                    "MaxSize": max_size, "NumClasses": len(class_names), "BoxLoss": "SmoothL1", "P6FromC5": False,
                    "HeadGroupNorm": True, "BackboneNorm": "GroupNorm"}
        differ = [f"{k} {config[k]} (recipe {v})" for k, v in expected.items() if k in config and config[k] != v]
        if differ:
            fail(f"{args.weights}: the checkpoint's model differs from the {args.recipe} recipe: {', '.join(differ)}")
    model = build_model(recipe, len(class_names), anchors)
    if args.weights:
        load_weights(model, args.weights)
    n_params = sum(q.numel() for q in model.parameters())
    print(f"torchvision {args.recipe}: {arch} x{width}, FPN {fpn}, heads {depth}, {n_params} parameters; "
          f"{len(train)} training / {len(val)} validation images, classes {class_names}; anchors {anchors}; "
          f"sizes {train_min_sizes(min_size)}/{max_size}; batch {batch}, lr {lr}; {args.threads} threads", flush=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=WEIGHT_DECAY)
    os.makedirs(args.out, exist_ok=True)

    stop = threading.Event()
    batches = training_batches(train, batch, 0.5, args.seed, stop)
    model.train()
    fit_skip, fit_measure = 3, 10
    # As in RetinaSharp, --time refits the schedule even when --iterations is given.
    fitted = args.time is None or total == 0
    fit_clock = None
    step, images_seen, skipped = 0, 0, 0
    window = {"t": time.perf_counter(), "images": 0, "loss": 0.0, "steps": 0}
    logged = []

    def log(losses):
        now = time.perf_counter()
        mean = window["loss"] / max(1, window["steps"])
        logged.append(mean)
        print(f"step {step}/{total}  loss {mean:.4f}  (last: cls {float(losses['classification']):.4f} box {float(losses['bbox_regression']):.4f})"
              f"  lr {optimizer.param_groups[0]['lr']:.2e}  {window['images'] / (now - window['t']):.2f} img/s", flush=True)
        window.update(t=now, images=0, loss=0.0, steps=0)

    start = time.perf_counter()
    stop_reason = "completed"
    losses = None
    while step < total:
        if args.time is not None and time.perf_counter() - start >= args.time:
            stop_reason = "time budget reached"
            break
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(lr, step, total, warmup)
        images, targets = next(batches)
        losses = model(images, targets)
        loss = losses["classification"] + losses["bbox_regression"]
        value = float(loss)
        optimizer.zero_grad(set_to_none=True)
        if math.isfinite(value):
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            window["loss"] += value
            window["steps"] += 1
        else:
            skipped += 1
        step += 1
        images_seen += len(images)
        window["images"] += len(images)
        if not fitted:
            if step == fit_skip:
                fit_clock = time.perf_counter()
            elif step >= fit_skip + fit_measure:
                per_step = (time.perf_counter() - fit_clock) / fit_measure
                left = args.time * 0.95 - (time.perf_counter() - start)
                new_total = step + max(1, int(left / max(per_step, 1e-6)))
                fitted = True
                print(f"Measured {per_step:.3f} s per step: {new_total} steps fit the {args.time:.0f} s budget.", flush=True)
                if new_total != total:
                    warmup = min(warmup, int(round(warmup * new_total / total)))
                    total = new_total
        if step % args.log_every == 0 or step == total:
            log(losses)
    if window["images"] and losses is not None:
        log(losses)
    wall = time.perf_counter() - start
    stop.set()
    rate = images_seen / wall if wall > 0 else 0.0
    print(f"{stop_reason}: {step} steps of {batch} images in {wall:.1f} s ({rate:.2f} img/s)", flush=True)

    t0 = time.perf_counter()
    gt, results, stats, evaluator = evaluate(model, val, class_names)
    if args.val_loss:
        stats["val_classification"], stats["val_box_regression"] = validation_loss(model, val)
        print(f"validation loss: classification {stats['val_classification']:.6f}, box regression {stats['val_box_regression']:.6f}")
    eval_seconds = time.perf_counter() - t0
    with open(os.path.join(args.out, "gt.json"), "w") as f:
        json.dump(gt, f)
    with open(os.path.join(args.out, "detections.json"), "w") as f:
        json.dump(results, f)
    summary = {
        "framework": f"torch {torch.__version__}, torchvision {__import__('torchvision').__version__}",
        "recipe": args.recipe, "train": args.train, "val": args.val, "classes": class_names,
        "train_images": len(train), "val_images": len(val), "parameters": n_params, "anchor_sizes": anchors,
        "threads": args.threads, "batch": batch, "learning_rate": lr, "time_budget_seconds": args.time,
        "steps": step, "scheduled_steps": total, "warmup_steps": warmup, "non_finite_steps": skipped,
        "stop": stop_reason, "wall_seconds": round(wall, 3), "images_per_second": round(rate, 4), "weights": args.weights,
        "first_logged_loss": logged[0] if logged else None, "last_logged_loss": logged[-1] if logged else None,
        "eval_seconds": round(eval_seconds, 3), "evaluator": evaluator, "detections": len(results),
        **stats,
    }
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print("  ".join(f"{k} {stats[k]:.3f}" for k in ("AP", "AP50", "AP75")) + f"  ({evaluator} COCO evaluation)")
    print(f"Wrote {os.path.join(args.out, 'results.json')}, detections.json and gt.json (COCO) there.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

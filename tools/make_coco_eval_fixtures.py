#!/usr/bin/env python3
"""Writes the COCO evaluation fixtures: ground truth, detections and pycocotools' numbers.

Each case goes to tests/RetinaSharp.Tests/Fixtures/CocoEval/<case>/ as
  gt.json        COCO instances file
  dets.json      COCO results list
  expected.json  COCOeval(bbox) output: the 12 stats, per-category AP / AP50 (area all, maxDets 100),
                 the recall array, the printed summary lines and, for some cases, the precision array.
params.json beside the cases holds pycocotools' default IoU and recall thresholds.

Usage: make_coco_eval_fixtures.py [--pycocotools DIR] [--out DIR]
DIR (or $PYCOCOTOOLS_PATH) is a directory that holds an importable `pycocotools` package.
Run with an interpreter whose numpy matches the one pycocotools was built against.
"""

import argparse
import contextlib
import io
import json
import math
import os
import sys

import numpy as np

# Newer numpy removed the np.float alias that cocoeval.accumulate still uses.
if not hasattr(np, "float") or np.float is not float:
    np.float = float

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "tests", "RetinaSharp.Tests", "Fixtures", "CocoEval")
STAT_NAMES = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]


def r2(v):
    return round(float(v), 2)


def image(i, w=640, h=480):
    return {"id": i, "file_name": f"{i:06d}.jpg", "width": w, "height": h}


def ann(aid, img, cat, bbox, area=None, crowd=0, **extra):
    a = {"id": aid, "image_id": img, "category_id": cat, "bbox": [float(v) for v in bbox],
         "area": float(bbox[2] * bbox[3] if area is None else area), "iscrowd": crowd}
    a.update(extra)
    return a


def det(img, cat, bbox, score):
    return {"image_id": img, "category_id": cat, "bbox": [float(v) for v in bbox], "score": float(score)}


def random_box(rng, w_img, h_img, lo, hi):
    size = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    aspect = math.exp(rng.uniform(-0.7, 0.7))
    w = min(size * math.sqrt(aspect), w_img - 1)
    h = min(size / math.sqrt(aspect), h_img - 1)
    x = rng.uniform(0, w_img - w)
    y = rng.uniform(0, h_img - h)
    return [r2(x), r2(y), r2(w), r2(h)]


def jitter(rng, b, sigma):
    x, y, w, h = b
    return [r2(x + rng.normal(0, sigma * w)), r2(y + rng.normal(0, sigma * h)),
            r2(max(0.5, w * math.exp(rng.normal(0, sigma)))), r2(max(0.5, h * math.exp(rng.normal(0, sigma))))]


def case_mixed():
    """Hand-placed boxes: crowds, area ranges and their bounds, quirks of the id and ignore fields."""
    images = [image(i) for i in (17, 3, 42, 8, 25, 11)]
    cats = [{"id": c, "name": n} for c, n in
            ((3, "dog"), (1, "person"), (2, "car"), (7, "ghost"), (5, "kite"), (6, "crowdonly"))]
    gt = [
        ann(1, 17, 1, [10, 10, 20, 30]),
        ann(2, 17, 1, [100, 50, 40, 40], area=1000.5),       # box is medium, the mask area small
        ann(3, 17, 1, [300, 200, 120, 150], area=18000),
        ann(4, 17, 1, [0, 250, 250, 200], area=50000, crowd=1),
        ann(5, 17, 2, [400, 10, 32, 32], area=1024),         # on the small/medium bound
        ann(6, 17, 2, [450, 100, 96, 96], area=9216),        # on the medium/large bound
        ann(7, 17, 3, [200, 300, 2.5, 1.5]),
        ann(8, 17, 6, [500, 300, 100, 100], crowd=1),
        ann(9, 3, 1, [50, 60, 70, 80], area=5000),
        ann(10, 3, 5, [10, 10, 50, 50], area=2000),
        ann(0, 8, 2, [100, 100, 60, 40]),                    # id 0: a match to it counts as none
        ann(11, 8, 2, [300, 100, 60, 40], ignore=1),         # the ignore field is overwritten by iscrowd
        ann(12, 8, 3, [0.2, 0.3, 0.6, 0.5]),
        ann(13, 8, 3, [10, 10, 0, 5]),
        ann(14, 25, 1, [5, 5, 300, 300], area=80000),
        ann(15, 25, 1, [20, 20, 280, 290], area=70000),
        ann(16, 25, 99, [0, 0, 10, 10]),                     # category not listed: dropped
        ann(17, 999, 1, [0, 0, 10, 10]),                     # image not listed: dropped
        ann(18, 11, 3, [0, 0, 640, 480], crowd=1),
        ann(19, 11, 3, [100, 100, 50, 50], area=2100),
        ann(20, 25, 3, [400, 300, 50, 50]),                  # id repeated below: both resolve to the last
        ann(20, 25, 2, [400, 300, 30, 30]),
    ]
    dets = [
        det(17, 1, [11, 9, 20, 31], 0.9),
        det(17, 1, [102, 52, 38, 39], 0.85),
        det(17, 1, [310, 190, 115, 160], 0.7),
        det(17, 1, [10, 260, 50, 50], 0.8),
        det(17, 1, [60, 300, 40, 40], 0.6),
        det(17, 1, [150, 350, 30, 30], 0.95),
        det(17, 1, [5, 255, 240, 190], 0.5),
        det(17, 1, [600, 10, 20, 20], 0.3),
        det(17, 1, [10, 10, 20, 30], 0.4),
        det(17, 2, [401, 11, 31, 31], 0.9),
        det(17, 2, [452, 98, 95, 97], 0.8),
        det(17, 2, [0, 0, 32, 32], 0.55),
        det(17, 3, [200, 300, 2.5, 1.5], 0.6),
        det(17, 3, [199, 299, 3, 2], 0.65),
        det(17, 6, [510, 310, 20, 20], 0.7),
        det(17, 7, [100, 100, 10, 10], 0.5),
        det(42, 1, [10, 10, 50, 50], 0.9),
        det(42, 2, [20, 20, 30, 30], 0.95),
        det(42, 7, [0, 0, 5, 5], 0.3),
        det(42, 99, [1, 1, 5, 5], 0.9),
        det(8, 2, [101, 99, 60, 42], 0.7),
        det(8, 2, [300, 100, 60, 40], 0.6),
        det(8, 3, [0.25, 0.3, 0.55, 0.5], 0.8),
        det(8, 3, [10, 10, 0, 5], 0.2),
        det(25, 1, [10, 10, 290, 295], 0.9),
        det(25, 1, [5, 5, 300, 300], 0.9),
        det(25, 1, [20, 20, 280, 290], 0.85),
        det(25, 2, [400, 300, 30, 30], 0.6),
        det(25, 2, [401, 300, 30, 30], 0.5),
        det(25, 3, [400, 300, 50, 50], 0.7),
        det(11, 3, [100, 100, 50, 50], 0.5),
        det(11, 3, [98, 102, 50, 50], 0.9),
        det(11, 3, [300, 300, 20, 20], 0.4),
    ]
    return {"images": images, "annotations": gt, "categories": cats}, dets, "all_area_max"


def case_ties(rng):
    """One category, few score levels: the order of equal scores decides the curve."""
    images = [image(i) for i in range(1, 7)]
    gt, dets, aid = [], [], 1
    for img in range(1, 7):
        boxes = [random_box(rng, 640, 480, 20, 200) for _ in range(int(rng.integers(1, 4)))]
        for b in boxes:
            gt.append(ann(aid, img, 1, b))
            aid += 1
        for b in boxes:
            if rng.random() < 0.85:
                dets.append(det(img, 1, jitter(rng, b, 0.12), rng.choice([0.9, 0.7, 0.5])))
            if rng.random() < 0.3:
                dets.append(det(img, 1, b, rng.choice([0.9, 0.7, 0.5])))
                dets.append(det(img, 1, b, dets[-1]["score"]))  # duplicate: the second is a false positive
        for _ in range(2):
            dets.append(det(img, 1, random_box(rng, 640, 480, 20, 200), rng.choice([0.9, 0.7, 0.5])))
    return {"images": images, "annotations": gt, "categories": [{"id": 1, "name": "thing"}]}, dets, "full"


def case_max_dets(rng):
    """More than 100 detections per image; true positives on both sides of the cut, ties at it."""
    images = [image(i) for i in (1, 2, 3)]
    gt, dets, aid = [], [], 1
    plan = {1: (1, 20, 140), 2: (1, 5, 5), 3: (2, 3, 120)}
    for img, (cat, n_gt, n_det) in plan.items():
        boxes = [random_box(rng, 640, 480, 10, 120) for _ in range(n_gt)]
        for b in boxes:
            gt.append(ann(aid, img, cat, b))
            aid += 1
        scores = np.round(rng.uniform(0.05, 1.0, n_det), 2)
        if n_det > 110:
            # a block of equal scores, true positives first, straddling rank 100
            scores[15:20] = 0.33
            scores[95:110] = 0.33
        for j in range(n_det):
            if j < n_gt:
                b = jitter(rng, boxes[j], 0.05)
            else:
                b = random_box(rng, 640, 480, 10, 120)
            dets.append(det(img, cat, b, scores[j]))
    cats = [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    return {"images": images, "annotations": gt, "categories": cats}, dets, None


def case_perfect(rng):
    """Every detection is exactly a ground truth box: AP and AR are 1."""
    images = [image(i) for i in range(1, 5)]
    gt, dets, aid = [], [], 1
    for img in range(1, 5):
        for cat in (1, 2, 3):
            for lo, hi in ((4, 30), (33, 95), (100, 300)):
                b = [float(int(v)) for v in random_box(rng, 640, 480, lo, hi)]
                gt.append(ann(aid, img, cat, b))
                dets.append(det(img, cat, b, round(float(rng.uniform(0.1, 1.0)), 3)))
                aid += 1
    cats = [{"id": c, "name": f"c{c}"} for c in (1, 2, 3)]
    return {"images": images, "annotations": gt, "categories": cats}, dets, None


def case_random(rng):
    """A realistic mix: 50 images, 5 categories, jittered hits, duplicates, confusions, false alarms."""
    images = [image(i) for i in range(1, 51)]
    gt, dets, aid = [], [], 1
    for img in range(1, 51):
        n = int(rng.integers(0, 7)) if img % 10 else 0
        for _ in range(n):
            cat = int(rng.integers(1, 6))
            crowd = 1 if rng.random() < 0.04 else 0
            b = random_box(rng, 640, 480, 120, 400) if crowd else random_box(rng, 640, 480, 4, 350)
            area = b[2] * b[3] * (rng.uniform(0.4, 0.9) if rng.random() < 0.4 else 1.0)
            gt.append(ann(aid, img, cat, b, area=round(area, 2), crowd=crowd))
            aid += 1
            if crowd:
                for _ in range(int(rng.integers(0, 3))):
                    inner = [r2(b[0] + rng.uniform(0, b[2] / 2)), r2(b[1] + rng.uniform(0, b[3] / 2)),
                             r2(b[2] / 4), r2(b[3] / 4)]
                    dets.append(det(img, cat, inner, round(float(rng.uniform(0.05, 1)), 3)))
                continue
            if rng.random() < 0.8:
                c = cat if rng.random() > 0.1 else int(rng.integers(1, 6))
                dets.append(det(img, c, jitter(rng, b, float(rng.uniform(0.02, 0.25))),
                                round(float(rng.beta(5, 2)), 3)))
            if rng.random() < 0.2:
                dets.append(det(img, cat, jitter(rng, b, 0.1), round(float(rng.beta(2, 3)), 3)))
        if img % 7 != 3:
            for _ in range(int(rng.integers(0, 8))):
                dets.append(det(img, int(rng.integers(1, 6)), random_box(rng, 640, 480, 4, 300),
                                round(float(rng.beta(2, 5)), 3)))
    cats = [{"id": c, "name": n} for c, n in enumerate(["cat", "bird", "boat", "lamp", "cup"], start=1)]
    return {"images": images, "annotations": gt, "categories": cats}, dets, "all_area_max"


def precision_table(arr):
    """A precision array as distinct values plus an index per entry (C order) to keep it small."""
    flat = arr.ravel().tolist()
    values = sorted(set(flat))
    lookup = {v: i for i, v in enumerate(values)}
    return {"shape": list(arr.shape), "values": values, "index": [lookup[v] for v in flat]}


def evaluate(gt_path, dets_path, precision_mode):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO(gt_path)
        coco_dt = coco_gt.loadRes(dets_path)
        ev = COCOeval(coco_gt, coco_dt, "bbox")
        ev.evaluate()
        ev.accumulate()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ev.summarize()
    precision = ev.eval["precision"]
    per_cat = []
    for k, cat_id in enumerate(ev.params.catIds):
        p = precision[:, :, k, 0, -1]
        p = p[p > -1]
        p50 = precision[0, :, k, 0, -1]
        p50 = p50[p50 > -1]
        per_cat.append({"category_id": int(cat_id), "name": coco_gt.cats[cat_id]["name"],
                        "AP": float(np.mean(p)) if p.size else -1.0,
                        "AP50": float(np.mean(p50)) if p50.size else -1.0})
    expected = {
        "stats": {name: float(v) for name, v in zip(STAT_NAMES, ev.stats)},
        "per_category": per_cat,
        "counts": ev.eval["counts"],
        "recall": ev.eval["recall"].ravel().tolist(),
        "summary": out.getvalue().splitlines(),
    }
    if precision_mode == "full":
        expected["precision"] = precision_table(precision)
    elif precision_mode == "all_area_max":
        expected["precision_all_area_max_dets"] = precision_table(precision[:, :, :, 0, -1])
    return expected, ev.params


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, separators=(",", ":"))
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pycocotools", default=os.environ.get("PYCOCOTOOLS_PATH"))
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    if args.pycocotools:
        sys.path.insert(0, args.pycocotools)

    rng = np.random.default_rng(20170807)
    cases = {
        "mixed": case_mixed(),
        "ties": case_ties(rng),
        "max_dets": case_max_dets(rng),
        "perfect": case_perfect(rng),
        "random": case_random(rng),
    }
    params = None
    for name, (gt, dets, precision_mode) in cases.items():
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        gt_path, dets_path = os.path.join(folder, "gt.json"), os.path.join(folder, "dets.json")
        write_json(gt_path, gt)
        write_json(dets_path, dets)
        expected, params = evaluate(gt_path, dets_path, precision_mode)
        write_json(os.path.join(folder, "expected.json"), expected)
        print(f"{name}: {len(gt['annotations'])} gt, {len(dets)} dets, AP {expected['stats']['AP']:.4f}")
    write_json(os.path.join(args.out, "params.json"),
               {"iouThrs": params.iouThrs.tolist(), "recThrs": params.recThrs.tolist(),
                "maxDets": params.maxDets, "areaRng": params.areaRng, "areaRngLbl": params.areaRngLbl})


if __name__ == "__main__":
    main()

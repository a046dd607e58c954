#!/usr/bin/env python3
"""Copies a few photos of the raccoon data set (github.com/datitran/raccoon_dataset, MIT) into the
test fixtures with their rows of the data set's labels, and records each image's pixels as decoded
by PIL (libjpeg-turbo): size and SHA-256 of the RGB bytes.

    /usr/bin/python3 tools/make_raccoon_fixtures.py RACCOON_CHECKOUT
"""
import csv
import hashlib
import json
import shutil
import sys
from pathlib import Path

from PIL import Image

NAMES = ["raccoon-150.jpg", "raccoon-151.jpg", "raccoon-39.jpg", "raccoon-131.jpg"]


def main(source: Path) -> None:
    out = Path(__file__).resolve().parent.parent / "tests/RetinaSharp.Tests/Fixtures/raccoon"
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for labels in ("train_labels.csv", "test_labels.csv"):
        with open(source / "data" / labels, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows += [r for r in reader if r[0] in NAMES]
    with open(out / "labels.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(sorted(rows, key=lambda r: NAMES.index(r[0])))
    pixels = {}
    for name in NAMES:
        shutil.copyfile(source / "images" / name, out / name)
        image = Image.open(out / name)
        mode = image.mode
        rgb = image.convert("RGB")
        pixels[name] = {"width": rgb.width, "height": rgb.height, "mode": mode, "sha256": hashlib.sha256(rgb.tobytes()).hexdigest()}
    (out / "pixels.json").write_text(json.dumps(pixels, indent=2) + "\n")
    shutil.copyfile(source / "LICENSE", out / "LICENSE")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

#!/usr/bin/python3
"""Regenerates the JPEG decoder fixtures under tests/RetinaSharp.Imaging.Tests/Fixtures/Jpeg.

Run with Debian's interpreter (it needs python3-pil, python3-numpy and libjpeg-turbo-progs):

    /usr/bin/python3 tools/make_jpeg_fixtures.py

Every test image is cut from matplotlib's grace_hopper.jpg sample, written as PPM/PGM, encoded with
cjpeg in one coding mode, and decoded with djpeg (libjpeg-turbo defaults: accurate integer IDCT,
fancy upsampling). The djpeg output is the reference the C# decoder is compared against.

Layout:
  Decode/<name>.jpg + <name>.ppm|.pgm  image and djpeg's decoding of it
  Speed/photo-640x480.jpg + .strip.ppm rows 0-3 and 476-479 of djpeg's decoding
  Exif/orientation-<n>-<order>.jpg     a 4:2:0 image with an EXIF orientation tag n
  Exif/orientation-<n>.ppm             djpeg's decoding turned upright with numpy
  Refuse/*.jpg                         files the decoder must refuse (CMYK, arithmetic coding)
  Damaged/<name>.jpg + <name>.ppm      truncated files and damaged restart markers, with what djpeg
                                       recovers from them
"""

import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageOps

SOURCE = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "RetinaSharp.Imaging.Tests", "Fixtures", "Jpeg")

# Progressive script with spectral bands, several successive-approximation levels (DC refined
# twice), non-interleaved DC scans for the chroma and an interleaved one for the last DC bit.
PROGRESSIVE_SCRIPT = """
0: 0-0, 0, 2;
1: 0-0, 0, 1;
2: 0-0, 0, 1;
0: 1-9, 0, 3;
0: 10-63, 0, 2;
1: 1-63, 0, 1;
2: 1-5, 0, 0;
2: 6-63, 0, 0;
0: 0-0, 2, 1;
0: 1-9, 3, 2;
0: 1-63, 2, 1;
0,1,2: 0-0, 1, 0;
0: 1-63, 1, 0;
1: 1-63, 1, 0;
"""

# Sequential (not progressive) file with one scan per component: non-interleaved scans.
SEQUENTIAL_SCRIPT = """
0;
2;
1;
"""


def run(args, **kw):
    subprocess.run(args, check=True, **kw)


def source_image():
    im = Image.open(SOURCE).convert("RGB")
    return im.crop((96, 80, 416, 320))  # 320x240 around the face, 4:3


def scaled(width, height):
    return source_image().resize((width, height), Image.LANCZOS)


def write_pnm(im, path):
    im.save(path)


def cjpeg(src_pnm, dst_jpg, args):
    run(["cjpeg", *args, "-outfile", dst_jpg, src_pnm])


def djpeg(src_jpg, damaged=False):
    """Decodes with djpeg's defaults and returns the image as a numpy array (H, W, C).

    For damaged files djpeg warns (exit status 2) and still writes the image it could recover.
    """
    result = subprocess.run(["djpeg", src_jpg], capture_output=True)
    if result.returncode != 0 and not (damaged and result.returncode == 2):
        raise RuntimeError("djpeg failed on %s: %s" % (src_jpg, result.stderr.decode()))
    return np.array(Image.open(io.BytesIO(result.stdout)))


def restart_markers(data):
    """Offsets of the RSTn markers in the entropy-coded data."""
    start = max(pos + total for pos, m, total in segments(data) if m == 0xDA)
    return [i for i in range(start, len(data) - 1) if data[i] == 0xFF and 0xD0 <= data[i + 1] <= 0xD7]


def save_reference(arr, path):
    Image.fromarray(arr).save(path)


def segments(data):
    """Yields (offset, marker, total_length) of each marker segment before the first SOS."""
    pos = 2
    while pos + 4 <= len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        yield pos, marker, length + 2
        if marker == 0xDA:
            return
        pos += length + 2


def strip_segments(data, marker):
    out = bytearray(data[:2])
    last = 2
    for pos, m, total in segments(data):
        if m == marker:
            out += data[last:pos]
            last = pos + total
    out += data[last:]
    return bytes(out)


def exif_segment(orientation, big_endian):
    """APP1 Exif payload with Make, Orientation and XResolution entries in IFD0."""
    e = ">" if big_endian else "<"
    make = b"RetinaSharp\0"
    entries = 3
    ifd_size = 2 + entries * 12 + 4
    make_off = 8 + ifd_size
    xres_off = make_off + len(make)
    tiff = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    tiff += struct.pack(e + "H", entries)
    tiff += struct.pack(e + "HHI", 0x010F, 2, len(make)) + struct.pack(e + "I", make_off)
    tiff += struct.pack(e + "HHI", 0x0112, 3, 1) + struct.pack(e + "HH", orientation, 0)
    tiff += struct.pack(e + "HHI", 0x011A, 5, 1) + struct.pack(e + "I", xres_off)
    tiff += struct.pack(e + "I", 0)
    tiff += make + struct.pack(e + "II", 72, 1)
    payload = b"Exif\0\0" + tiff
    return b"\xFF\xE1" + struct.pack(">H", len(payload) + 2) + payload


def upright(arr, orientation):
    """What a viewer shows for EXIF orientation n: the stored pixels turned/flipped with numpy."""
    return {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1, :],
        5: lambda a: a.transpose(1, 0, 2),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
        8: lambda a: np.rot90(a, 1),
    }[orientation](arr)


DECODE_CASES = [
    # name, size, cjpeg arguments
    ("baseline-420-64x48", (64, 48), []),
    ("baseline-422-64x48", (64, 48), ["-sample", "2x1"]),
    ("baseline-444-48x32", (48, 32), ["-sample", "1x1"]),
    ("baseline-440-48x32", (48, 32), ["-sample", "1x2"]),
    ("baseline-gray-64x48", (64, 48), ["-grayscale"]),
    ("baseline-420-61x37", (61, 37), []),
    ("baseline-422-61x37", (61, 37), ["-sample", "2x1"]),
    ("baseline-440-61x37", (61, 37), ["-sample", "1x2"]),
    ("baseline-444-33x17", (33, 17), ["-sample", "1x1"]),
    ("baseline-420-33x17", (33, 17), []),
    ("baseline-gray-33x17", (33, 17), ["-grayscale"]),
    ("baseline-420-restart-rows-61x37", (61, 37), ["-restart", "1"]),
    ("baseline-422-restart-blocks-61x37", (61, 37), ["-sample", "2x1", "-restart", "3B"]),
    ("baseline-420-optimize-61x37", (61, 37), ["-optimize"]),
    ("baseline-420-q95-48x32", (48, 32), ["-quality", "95"]),
    ("baseline-420-q20-48x32", (48, 32), ["-quality", "20"]),
    ("baseline-rgb-48x32", (48, 32), ["-rgb"]),
    ("baseline-mixed-sampling-33x17", (33, 17), ["-sample", "2x2,1x2,2x1"]),
    ("baseline-chroma-above-luma-33x17", (33, 17), ["-sample", "1x1,2x2,2x1"]),
    ("baseline-noninterleaved-48x32", (48, 32), ["-scans", "@sequential"]),
    ("extended-sof1-q5-48x32", (48, 32), ["-quality", "5"]),
    ("baseline-420-4x4", (4, 4), []),
    ("baseline-420-5x3", (5, 3), []),
    ("baseline-422-1x1", (1, 1), ["-sample", "2x1"]),
    ("progressive-420-64x48", (64, 48), ["-progressive"]),
    ("progressive-422-48x32", (48, 32), ["-progressive", "-sample", "2x1"]),
    ("progressive-444-48x32", (48, 32), ["-progressive", "-sample", "1x1"]),
    ("progressive-440-48x32", (48, 32), ["-progressive", "-sample", "1x2"]),
    ("progressive-gray-48x32", (48, 32), ["-progressive", "-grayscale"]),
    ("progressive-420-61x37", (61, 37), ["-progressive"]),
    ("progressive-420-33x17", (33, 17), ["-progressive"]),
    ("progressive-420-restart-61x37", (61, 37), ["-progressive", "-restart", "2B"]),
    ("progressive-script-61x37", (61, 37), ["-scans", "@progressive", "-sample", "2x2,1x1,1x1"]),
    ("progressive-420-q95-33x17", (33, 17), ["-progressive", "-quality", "95"]),
]


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    for sub in ("Decode", "Speed", "Exif", "Refuse", "Damaged"):
        os.makedirs(os.path.join(ROOT, sub))
    tmp = tempfile.mkdtemp()
    scripts = {}
    for key, text in (("@progressive", PROGRESSIVE_SCRIPT), ("@sequential", SEQUENTIAL_SCRIPT)):
        path = os.path.join(tmp, key[1:] + ".txt")
        with open(path, "w") as f:
            f.write(text)
        scripts[key] = path

    for name, (w, h), args in DECODE_CASES:
        im = scaled(w, h)
        gray = "-grayscale" in args
        src = os.path.join(tmp, name + (".pgm" if gray else ".ppm"))
        write_pnm(im.convert("L") if gray else im, src)
        args = [scripts.get(a, a) for a in args]
        jpg = os.path.join(ROOT, "Decode", name + ".jpg")
        cjpeg(src, jpg, args)
        ref = djpeg(jpg)
        save_reference(ref, os.path.join(ROOT, "Decode", name + (".pgm" if ref.ndim == 2 else ".ppm")))

    # Motion-JPEG style: no DHT segments, so decoders fall back to the standard tables (Annex K.3)
    # that cjpeg used when it was not asked to optimise.
    with open(os.path.join(ROOT, "Decode", "baseline-420-33x17.jpg"), "rb") as f:
        without = strip_segments(f.read(), 0xC4)
    jpg = os.path.join(ROOT, "Decode", "baseline-420-no-dht-33x17.jpg")
    with open(jpg, "wb") as f:
        f.write(without)
    save_reference(djpeg(jpg), os.path.join(ROOT, "Decode", "baseline-420-no-dht-33x17.ppm"))

    # Speed fixture: a 640x480 photo; only a strip of the reference is kept to stay small.
    src = os.path.join(tmp, "photo.ppm")
    write_pnm(source_image().resize((640, 480), Image.LANCZOS), src)
    jpg = os.path.join(ROOT, "Speed", "photo-640x480.jpg")
    cjpeg(src, jpg, [])
    ref = djpeg(jpg)
    strip = np.concatenate([ref[0:4], ref[476:480]])
    save_reference(strip, os.path.join(ROOT, "Speed", "photo-640x480.strip.ppm"))

    # EXIF orientation: the same coded image with every orientation tag, both TIFF byte orders.
    src = os.path.join(tmp, "exif.ppm")
    write_pnm(scaled(21, 13), src)
    base = os.path.join(tmp, "exif.jpg")
    cjpeg(src, base, [])
    stored = djpeg(base)
    with open(base, "rb") as f:
        coded = f.read()
    for n in range(1, 9):
        big = n % 2 == 1
        app1 = exif_segment(n, big)
        # Odd orientations put APP1 before the JFIF APP0, even ones after it.
        data = coded[:2] + app1 + coded[2:] if big else coded[:20] + app1 + coded[20:]
        assert coded[2:4] == b"\xFF\xE0" and struct.unpack(">H", coded[4:6])[0] == 16
        path = os.path.join(ROOT, "Exif", "orientation-%d-%s.jpg" % (n, "be" if big else "le"))
        with open(path, "wb") as f:
            f.write(data)
        expected = np.ascontiguousarray(upright(stored, n))
        # Cross-check against PIL's own reading of the tag.
        pil = np.array(ImageOps.exif_transpose(Image.open(path)))
        assert Image.open(path).getexif().get(0x0112) == n
        assert np.array_equal(pil, expected), n
        save_reference(expected, os.path.join(ROOT, "Exif", "orientation-%d.ppm" % n))
    # One written by PIL's encoder and Exif support rather than by hand.
    pil_exif = Image.Exif()
    pil_exif[0x0112] = 6
    path = os.path.join(ROOT, "Exif", "pil-orientation-6.jpg")
    scaled(21, 13).save(path, quality=90, exif=pil_exif)
    save_reference(np.ascontiguousarray(upright(djpeg(path), 6)), os.path.join(ROOT, "Exif", "pil-orientation-6.ppm"))

    # Files to refuse.
    src = os.path.join(tmp, "refuse.ppm")
    write_pnm(scaled(16, 16), src)
    scaled(16, 16).convert("CMYK").save(os.path.join(ROOT, "Refuse", "cmyk.jpg"), quality=80)
    cjpeg(src, os.path.join(ROOT, "Refuse", "arithmetic.jpg"), ["-arithmetic"])
    cjpeg(src, os.path.join(ROOT, "Refuse", "arithmetic-progressive.jpg"), ["-arithmetic", "-progressive"])

    # Damaged files: a 4:4:4 image with a restart marker after every MCU (15 MCUs), then broken in
    # ways a decoder must survive. djpeg's output (it recovers what it can) is the reference.
    src = os.path.join(tmp, "damaged.ppm")
    write_pnm(scaled(40, 24), src)
    base = os.path.join(tmp, "damaged.jpg")
    cjpeg(src, base, ["-sample", "1x1", "-restart", "1B"])
    with open(base, "rb") as f:
        good = f.read()
    rst = restart_markers(good)
    assert len(rst) == 14, len(rst)

    def renumber(data, at, delta):
        code = 0xD0 + ((data[at + 1] - 0xD0 + delta) & 7)
        return data[:at + 1] + bytes([code]) + data[at + 2:]

    damaged = {
        "restart-marker-missing": good[:rst[3]] + good[rst[3] + 2:],
        "restart-marker-one-ahead": renumber(good, rst[3], 1),
        "restart-marker-far-off": renumber(good, rst[3], 4),
        "restart-marker-stale-extra": good[:rst[5]] + bytes([0xFF, 0xD0 + (rst.index(rst[5]) + 7) % 8]) + good[rst[5]:],
        "garbage-before-restart-marker": good[:rst[6]] + b"\x12\x34\x56" + good[rst[6]:],
        "truncated-scan": good[:(rst[5] + rst[6]) // 2],
        "truncated-at-restart-marker": good[:rst[8]],
        "truncated-progressive": None,
        "no-eoi": good[:-2],
    }
    with open(os.path.join(ROOT, "Decode", "progressive-420-33x17.jpg"), "rb") as f:
        progressive = f.read()
    damaged["truncated-progressive"] = progressive[:len(progressive) * 2 // 3]
    for name, data in damaged.items():
        jpg = os.path.join(ROOT, "Damaged", name + ".jpg")
        with open(jpg, "wb") as f:
            f.write(data)
        save_reference(djpeg(jpg, damaged=True), os.path.join(ROOT, "Damaged", name + ".ppm"))

    # A sequential file with one scan per component, cut off inside the table segment that
    # follows the first (luma) scan. libjpeg gives up on the half table; the decoder builds the
    # image from the scan that arrived, which is what djpeg makes of the file ended right there.
    src = os.path.join(tmp, "multiscan.ppm")
    write_pnm(scaled(24, 16), src)
    multiscan = os.path.join(tmp, "multiscan.jpg")
    cjpeg(src, multiscan, ["-scans", scripts["@sequential"]])
    with open(multiscan, "rb") as f:
        data = f.read()
    table = data.index(b"\xFF\xC4", data.index(b"\xFF\xDA"))
    with open(os.path.join(ROOT, "Damaged", "truncated-in-table-between-scans.jpg"), "wb") as f:
        f.write(data[:table + 10])
    ended = os.path.join(tmp, "ended.jpg")
    with open(ended, "wb") as f:
        f.write(data[:table] + b"\xFF\xD9")
    save_reference(djpeg(ended), os.path.join(ROOT, "Damaged", "truncated-in-table-between-scans.ppm"))

    shutil.rmtree(tmp)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print("fixtures: %d bytes" % total, file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the PNG decoder fixtures under tests/RetinaSharp.Imaging.Tests/Fixtures/png/.

For every fixture NAME there is NAME.png and NAME.rgb, the expected decoded pixels as raw 8-bit RGB
(height x width x 3, row-major). The expected bytes are computed with numpy from the source sample
arrays, never by decoding the PNG, using the decoder's documented mapping: alpha dropped, gray
replicated, 1/2/4-bit gray scaled by 255 / (2^depth - 1), 16-bit samples reduced to v >> 8, palette
indices looked up in PLTE. manifest.txt lists "NAME WIDTH HEIGHT" per fixture.

PIL writes the variants it can (1/8/16-bit gray, palette at 1/2/4/8 bits, RGB, LA, RGBA, tRNS).
Everything else (2/4-bit gray, 16-bit colour, Adam7 interlace, several IDAT chunks, ancillary
chunks) is written below with zlib + struct, cycling through all five scanline filters. Every file
is then opened with PIL and checked against the expected bytes, except 16-bit gray, where PIL's
convert("RGB") clips instead of taking the high byte; there PIL's 16-bit samples are compared
with the source array instead.

Run with Debian's python3 (numpy and PIL): /usr/bin/python3 tools/make_png_fixtures.py
"""

import os
import struct
import warnings
import zlib

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "RetinaSharp.Imaging.Tests", "Fixtures", "png")

GRAY, RGB, PALETTE, GRAY_ALPHA, RGBA = 0, 2, 3, 4, 6
CHANNELS = {GRAY: 1, RGB: 3, PALETTE: 1, GRAY_ALPHA: 2, RGBA: 4}
DEPTHS = {GRAY: [1, 2, 4, 8, 16], RGB: [8, 16], PALETTE: [1, 2, 4, 8], GRAY_ALPHA: [8, 16], RGBA: [8, 16]}
TYPE_NAMES = {GRAY: "gray", RGB: "rgb", PALETTE: "pal", GRAY_ALPHA: "ga", RGBA: "rgba"}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

# convert("RGB") of a palette image with tRNS warns that alpha is lost, which is the point here.
warnings.filterwarnings("ignore", message="Palette images with Transparency")

rng = np.random.default_rng(7331)
manifest = []


# ---------------------------------------------------------------- expected pixels (numpy only)

def expected_rgb(color_type, depth, samples, palette):
    """samples: (h, w, channels) integer array of raw sample values."""
    if color_type == PALETTE:
        table = np.zeros((256, 3), dtype=np.uint8)
        table[: len(palette)] = palette
        return table[samples[:, :, 0]]
    if depth == 16:
        eight = (samples >> 8).astype(np.uint8)
    elif depth < 8:
        eight = (samples * (255 // ((1 << depth) - 1))).astype(np.uint8)
    else:
        eight = samples.astype(np.uint8)
    if color_type in (GRAY, GRAY_ALPHA):
        return np.repeat(eight[:, :, :1], 3, axis=2)
    return eight[:, :, :3].copy()


# ---------------------------------------------------------------- hand-written PNG files

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(row, depth):
    """row: (w, channels) samples -> scanline bytes (MSB-first bit packing below 8 bits)."""
    flat = row.reshape(-1)
    if depth == 16:
        return flat.astype(">u2").tobytes()
    if depth == 8:
        return flat.astype(np.uint8).tobytes()
    per_byte = 8 // depth
    out = bytearray((len(flat) * depth + 7) // 8)
    for i, v in enumerate(flat):
        out[i // per_byte] |= int(v) << (8 - depth * (i % per_byte + 1))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, line, prior, bpp):
    out = bytearray(len(line))
    for i, x in enumerate(line):
        a = line[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out[i] = (x - pred) & 0xFF
    return bytes(out)


def scanlines(samples, depth, bpp, pass_index):
    raw = bytearray()
    prior = None
    for y in range(samples.shape[0]):
        line = pack_row(samples[y], depth)
        if prior is None:
            prior = bytes(len(line))
        kind = (y + pass_index) % 5  # every filter type appears in any image of five or more rows
        raw += bytes([kind]) + filter_row(kind, line, prior, bpp)
        prior = line
    return raw


def write_png(path, color_type, depth, samples, palette=None, trns=None, interlace=False,
              idat_piece=None, extra_before=(), extra_after=()):
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    if interlace:
        raw = bytearray()
        for p, (x0, y0, dx, dy) in enumerate(ADAM7):
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += scanlines(sub, depth, bpp, p)
    else:
        raw = scanlines(samples, depth, bpp, 0)
    data = zlib.compress(bytes(raw), 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, int(interlace)))
    for kind, body in extra_before:
        out += chunk(kind, body)
    if palette is not None:
        out += chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        out += chunk(b"tRNS", trns)
    piece = idat_piece or len(data)
    for i in range(0, len(data), piece):
        out += chunk(b"IDAT", data[i:i + piece])
        if idat_piece and i == 0:
            out += chunk(b"IDAT", b"")  # an empty IDAT is legal and contributes nothing
    for kind, body in extra_after:
        out += chunk(kind, body)
    out += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(out)


# ---------------------------------------------------------------- checks and bookkeeping

def ihdr_of(path):
    with open(path, "rb") as f:
        head = f.read(33)
    assert head[12:16] == b"IHDR"
    return struct.unpack(">IIBBBBB", head[16:29])


def check_with_pil(path, color_type, depth, samples, expected):
    with Image.open(path) as im:
        im.load()
        if color_type == GRAY and depth == 16:
            # PIL keeps 16-bit gray as mode I/I;16 and clips on convert("RGB"); compare raw samples.
            got = np.array(im).astype(np.int64)
            assert np.array_equal(got, samples[:, :, 0]), path
            return
        got = np.asarray(im.convert("RGB"))
    assert got.shape == expected.shape and np.array_equal(got, expected), f"PIL disagrees with expected pixels for {path}"


def record(name, color_type, depth, samples, palette, interlace=False):
    path = os.path.join(OUT, name + ".png")
    w, h, d, t, _, _, il = ihdr_of(path)
    assert (w, h, d, t, il) == (samples.shape[1], samples.shape[0], depth, color_type, int(interlace)), (name, d, t)
    expected = expected_rgb(color_type, depth, samples, palette)
    check_with_pil(path, color_type, depth, samples, expected)
    with open(os.path.join(OUT, name + ".rgb"), "wb") as f:
        f.write(np.ascontiguousarray(expected, dtype=np.uint8).tobytes())
    manifest.append(f"{name} {w} {h}")


def random_samples(color_type, depth, w, h, palette_size=None):
    top = palette_size if color_type == PALETTE else 1 << depth
    return rng.integers(0, top, size=(h, w, CHANNELS[color_type]), dtype=np.int64)


def random_palette(n):
    return rng.integers(0, 256, size=(n, 3), dtype=np.int64)


def hand(name, color_type, depth, w, h, interlace=False, palette_size=None, **kw):
    palette = None
    if color_type == PALETTE:
        palette = random_palette(palette_size or (1 << depth))
    samples = random_samples(color_type, depth, w, h, len(palette) if palette is not None else None)
    write_png(os.path.join(OUT, name + ".png"), color_type, depth, samples, palette=palette, interlace=interlace, **kw)
    record(name, color_type, depth, samples, palette, interlace)


# ---------------------------------------------------------------- PIL-written variants

def pil_save(name, im, **params):
    im.save(os.path.join(OUT, name + ".png"), format="PNG", **params)


def pil_variants():
    w, h = 13, 7

    s = random_samples(GRAY, 1, w, h)
    pil_save("gray1_pil", Image.fromarray(s[:, :, 0].astype(bool)))
    record("gray1_pil", GRAY, 1, s, None)

    s = random_samples(GRAY, 8, w, h)
    pil_save("gray8_pil", Image.fromarray(s[:, :, 0].astype(np.uint8), "L"))
    record("gray8_pil", GRAY, 8, s, None)

    s = random_samples(GRAY, 16, w, h)
    pil_save("gray16_pil", Image.fromarray(s[:, :, 0].astype(np.uint16), "I;16"))
    record("gray16_pil", GRAY, 16, s, None)

    for depth in (1, 2, 4, 8):
        palette = random_palette(1 << depth)
        s = random_samples(PALETTE, depth, w, h, len(palette))
        im = Image.fromarray(s[:, :, 0].astype(np.uint8), "P")
        im.putpalette(palette.astype(np.uint8).reshape(-1).tolist())
        pil_save(f"pal{depth}_pil", im, bits=depth)
        record(f"pal{depth}_pil", PALETTE, depth, s, palette)

    palette = random_palette(256)
    s = random_samples(PALETTE, 8, w, h, 256)
    im = Image.fromarray(s[:, :, 0].astype(np.uint8), "P")
    im.putpalette(palette.astype(np.uint8).reshape(-1).tolist())
    pil_save("pal8_trns_pil", im, transparency=bytes(rng.integers(0, 256, size=40, dtype=np.uint8)))
    record("pal8_trns_pil", PALETTE, 8, s, palette)

    s = random_samples(RGB, 8, w, h)
    pil_save("rgb8_pil", Image.fromarray(s.astype(np.uint8), "RGB"))
    record("rgb8_pil", RGB, 8, s, None)
    pil_save("rgb8_trns_pil", Image.fromarray(s.astype(np.uint8), "RGB"), transparency=tuple(int(v) for v in s[0, 0]))
    record("rgb8_trns_pil", RGB, 8, s, None)

    s = random_samples(GRAY_ALPHA, 8, w, h)
    pil_save("ga8_pil", Image.fromarray(s.astype(np.uint8), "LA"))
    record("ga8_pil", GRAY_ALPHA, 8, s, None)

    s = random_samples(RGBA, 8, w, h)
    pil_save("rgba8_pil", Image.fromarray(s.astype(np.uint8), "RGBA"))
    record("rgba8_pil", RGBA, 8, s, None)


# ---------------------------------------------------------------- hand-written variants

def hand_variants():
    for color_type, depths in DEPTHS.items():
        for depth in depths:
            base = f"{TYPE_NAMES[color_type]}{depth}"
            hand(base, color_type, depth, 13, 7)
            hand(base + "_adam7", color_type, depth, 17, 11, interlace=True)

    # Degenerate sizes: a single pixel, and an interlaced image too small for most passes.
    for name, color_type, depth in [("gray1", GRAY, 1), ("pal2", PALETTE, 2), ("rgb16", RGB, 16), ("rgba8", RGBA, 8)]:
        hand(name + "_1x1", color_type, depth, 1, 1)
        hand(name + "_1x1_adam7", color_type, depth, 1, 1, interlace=True)
    hand("gray4_3x2_adam7", GRAY, 4, 3, 2, interlace=True)
    hand("rgb8_3x2_adam7", RGB, 8, 3, 2, interlace=True)
    hand("ga16_5x9_adam7", GRAY_ALPHA, 16, 5, 9, interlace=True)

    # A palette shorter than the bit depth allows, with tRNS, interlaced.
    hand("pal4_short_trns_adam7", PALETTE, 4, 17, 11, interlace=True, palette_size=5, trns=bytes([0, 128, 255]))

    # tRNS on gray and 16-bit RGB: alpha information the RGB output ignores.
    hand("gray8_trns", GRAY, 8, 13, 7, trns=struct.pack(">H", 17))
    hand("rgb16_trns_adam7", RGB, 16, 17, 11, interlace=True, trns=struct.pack(">HHH", 1, 2, 3))

    # Several IDAT chunks (one empty), ancillary chunks before and after the data, and a suggested
    # palette in a truecolour image; none of them changes the pixels.
    hand("rgb8_multi_idat", RGB, 8, 13, 7, idat_piece=37,
         extra_before=[(b"gAMA", struct.pack(">I", 45455)), (b"tEXt", b"Comment\x00fixture"),
                       (b"PLTE", bytes(range(12)))],
         extra_after=[(b"tIME", bytes(7)), (b"prVt", b"private ancillary chunk")])


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".png", ".rgb")) or f == "manifest.txt":
            os.remove(os.path.join(OUT, f))
    pil_variants()
    hand_variants()
    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{len(manifest)} fixtures, {total} bytes")


if __name__ == "__main__":
    main()

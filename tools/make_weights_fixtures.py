#!/usr/bin/env python3
"""Weights-format fixtures: torch.save (zip and legacy), a training checkpoint, a pickle that
tries to call os.system, and safetensors written by hand from the specification.

Run with Debian's python3 (python3-torch):  /usr/bin/python3 tools/make_weights_fixtures.py
Writes tests/RetinaSharp.Tensors.Tests/Fixtures/weights/.
"""
import argparse
import collections
import json
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "RetinaSharp.Tensors.Tests", "Fixtures", "weights")


def state_dict():
    g = torch.Generator().manual_seed(0)
    base = torch.randn(10, generator=g)
    sd = collections.OrderedDict()
    sd["conv.weight"] = torch.randn(4, 3, 3, 3, generator=g)
    sd["conv.bias"] = torch.randn(4, generator=g)
    sd["transposed"] = torch.arange(12.0).reshape(3, 4).t()  # non-contiguous: saved with strides
    sd["view.whole"] = base
    sd["view.part"] = base[2:7]  # shares the storage at an offset
    sd["bn.num_batches_tracked"] = torch.tensor(7, dtype=torch.int64)
    sd["double"] = torch.randn(2, 2, generator=g, dtype=torch.float64)
    sd["half"] = torch.randn(5, generator=g).half()
    sd["mask"] = torch.tensor([True, False, True])
    sd["int32"] = torch.tensor([1, -2, 3], dtype=torch.int32)
    sd["param"] = torch.nn.Parameter(torch.randn(2, 3, generator=g))
    sd["scalar"] = torch.tensor(3.5)
    sd["empty"] = torch.zeros(0, 4)
    return sd


def expected(sd):
    out = collections.OrderedDict()
    for k, v in sd.items():
        v = v.detach()
        out[k] = {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                  "values": v.float().flatten().tolist()}
    return out


class Evil:
    def __reduce__(self):
        return (os.system, ("echo this must never run",))


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, t) in tensors.items():
        raw = t.contiguous().view(torch.uint8).numpy().tobytes() if t.dtype != torch.bool else t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(OUT, "state_zip.pth"))
    torch.save(sd, os.path.join(OUT, "state_legacy.pth"), _use_new_zipfile_serialization=False)
    with open(os.path.join(OUT, "state_expected.json"), "w") as f:
        json.dump(expected(sd), f)

    small = collections.OrderedDict(w=torch.arange(6.0).reshape(2, 3), b=torch.tensor([1.0, 2.0]))
    ckpt = {"model": small, "optimizer": {"state": {}, "param_groups": [{"lr": 0.01}]}, "epoch": 3,
            "args": argparse.Namespace(lr=0.01, data_path="/data/coco")}
    torch.save(ckpt, os.path.join(OUT, "training_checkpoint.pth"))
    torch.save({"x": Evil()}, os.path.join(OUT, "malicious.pth"))

    g = torch.Generator().manual_seed(1)
    st = collections.OrderedDict()
    st["f32"] = ("F32", torch.randn(2, 3, generator=g))
    st["i64"] = ("I64", torch.tensor([5, -6, 7], dtype=torch.int64))
    st["f16"] = ("F16", torch.randn(4, generator=g).half())
    st["bf16"] = ("BF16", torch.randn(4, generator=g).bfloat16())
    st["bool"] = ("BOOL", torch.tensor([True, False]))
    write_safetensors(os.path.join(OUT, "reference.safetensors"), st, {"format": "pt", "note": "fixture"})
    with open(os.path.join(OUT, "safetensors_expected.json"), "w") as f:
        json.dump({k: {"shape": list(t.shape), "values": t.float().flatten().tolist()} for k, (_, t) in st.items()}, f)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Checks exported ONNX models with the ONNX reference tools (Debian python3-onnx).

For each file: onnx.checker.check_model(full_check=True) (schema, types, opset and graph rules,
with strict shape inference) and onnx.shape_inference.infer_shapes, then prints the opset, the
inputs and outputs with their inferred shapes and the metadata keys. Exit code 1 if any fails.

    apt-get install -y python3-onnx
    python3 tools/onnx_check.py model.onnx [more.onnx ...]
"""
import sys

import onnx
from onnx import shape_inference


def dims(value_info):
    shape = value_info.type.tensor_type.shape
    return "[" + ", ".join(d.dim_param or str(d.dim_value) for d in shape.dim) + "]"


def check(path):
    onnx.checker.check_model(path, full_check=True)
    model = onnx.load(path)
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    opset = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    print(f"{path}: ok (onnx {onnx.__version__}, IR {model.ir_version}, opset {opset}, "
          f"{len(model.graph.node)} nodes, {len(inferred.graph.value_info)} values with inferred shapes)")
    for v in model.graph.input:
        print(f"  in  {v.name} {dims(v)}")
    for v in inferred.graph.output:
        print(f"  out {v.name} {dims(v)}")
    print("  metadata: " + ", ".join(p.key for p in model.metadata_props))


def main(paths):
    if not paths:
        print(__doc__)
        return 2
    failed = 0
    for path in paths:
        try:
            check(path)
        except Exception as e:  # the checker raises several types; report each file and go on
            print(f"{path}: FAILED: {type(e).__name__}: {e}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

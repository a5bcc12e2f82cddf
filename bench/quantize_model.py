"""Bench-only experiment: int8 copies of an ONNX model with onnxruntime.quantization.

static: QDQ, per-channel int8 weights, uint8 activations calibrated (MinMax) on real
        preprocessed photos written by bench/embed.ts (raw float32, NHWC).
dynamic: int8 weights, activations quantised at run time (no calibration).

usage: quantize_model.py --model in.onnx --out-dir DIR --calib F --n N --height H --width W --input NAME
"""
import argparse
import os
import sys

import numpy as np
from onnxruntime.quantization import (
    CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_dynamic, quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process


class PhotoReader(CalibrationDataReader):
    def __init__(self, data: np.ndarray, name: str):
        self.items = iter([{name: data[i : i + 1]} for i in range(data.shape[0])])

    def get_next(self):
        return next(self.items, None)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--calib", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--width", type=int, required=True)
    p.add_argument("--input", required=True)
    a = p.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    data = np.fromfile(a.calib, dtype=np.float32).reshape(a.n, a.height, a.width, 3)
    pre = os.path.join(a.out_dir, "pre.onnx")
    # Symbolic shape inference would need sympy; ONNX shape inference suffices for this graph.
    quant_pre_process(a.model, pre, skip_symbolic_shape=True)
    quantize_static(
        pre, os.path.join(a.out_dir, "int8-static.onnx"), PhotoReader(data, a.input),
        quant_format=QuantFormat.QDQ, per_channel=True, activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
    )
    quantize_dynamic(pre, os.path.join(a.out_dir, "int8-dynamic.onnx"), weight_type=QuantType.QUInt8)
    os.remove(pre)
    return 0


if __name__ == "__main__":
    sys.exit(main())

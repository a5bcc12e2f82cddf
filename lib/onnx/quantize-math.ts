/** 8-bit element types of quantised activations (weights are always int8). */
export type ActivationType = "uint8" | "int8";

/** Per-tensor affine quantisation: real = (q − zeroPoint) × scale. */
export type QuantParams = { type: ActivationType; scale: number; zeroPoint: number };

const limits: Record<ActivationType, { min: number; max: number }> = {
  uint8: { min: 0, max: 255 },
  int8: { min: -128, max: 127 },
};

/**
 * Asymmetric parameters covering [lo, hi], widened to include 0 so that zero (ReLU's floor,
 * the convolutions' zero padding) is exactly representable, as ONNX requires.
 */
export function computeActivationParams(lo: number, hi: number, type: ActivationType): QuantParams {
  const { min, max } = limits[type];
  const low = Math.min(lo, 0);
  const high = Math.max(hi, 0);
  // float32, as the model file stores it: biases and the zero point derive from the stored value.
  const scale = Math.fround(high > low ? (high - low) / (max - min) : 1);
  const zeroPoint = clamp(roundHalfEven(min - low / scale), min, max);
  return { type, scale, zeroPoint };
}

/** QuantizeLinear of one value (ONNX semantics: round half to even, then saturate). */
export function quantizeValue(x: number, p: QuantParams): number {
  const { min, max } = limits[p.type];
  return clamp(roundHalfEven(x / p.scale) + p.zeroPoint, min, max);
}

/** DequantizeLinear of one value. */
export function dequantizeValue(q: number, p: QuantParams): number {
  return (q - p.zeroPoint) * p.scale;
}

/**
 * Symmetric int8 per-output-channel weights (axis 0, zero point 0, range ±127 so that the
 * negation of every value is representable): one scale per row of `channels` equal rows.
 */
export function quantizeWeightsPerChannel(weights: Float32Array, channels: number): { data: Int8Array; scales: Float32Array } {
  const per = weights.length / channels;
  if (!Number.isInteger(per)) throw new Error(`${weights.length} weights do not split into ${channels} channels`);
  const data = new Int8Array(weights.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let absMax = 0;
    for (let i = c * per; i < (c + 1) * per; i++) absMax = Math.max(absMax, Math.abs(weights[i]!));
    // A dead channel gets any positive scale: its weights quantise to 0 either way.
    const scale = Math.fround(absMax > 0 ? absMax / 127 : 1);
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) data[i] = clamp(roundHalfEven(weights[i]! / scale), -127, 127);
  }
  return { data, scales };
}

/**
 * int32 biases on the convolution's accumulator scale (input scale × weight scale per
 * channel), the form onnxruntime's QLinearConv fusion expects.
 */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { data: Int32Array; scales: Float32Array } {
  const data = new Int32Array(bias.length);
  const scales = new Float32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    const scale = Math.fround(inputScale * weightScales[c]!);
    scales[c] = scale;
    data[c] = clamp(roundHalfEven(bias[c]! / scale), -2147483648, 2147483647);
  }
  return { data, scales };
}

/** Round to nearest, ties to even (what QuantizeLinear specifies). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

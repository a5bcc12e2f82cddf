import { describe, expect, it } from "vitest";
import {
  computeActivationParams,
  dequantizeValue,
  quantizeBias,
  quantizeValue,
  quantizeWeightsPerChannel,
  roundHalfEven,
} from "./quantize-math";

describe("quantisation arithmetic", () => {
  it("rounds half to even, as QuantizeLinear does", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });

  it("uint8 over [−1, 3]: scale 4/255 (in float32, as stored), zero exactly representable, round trip within half a step", () => {
    const p = computeActivationParams(-1, 3, "uint8");
    expect(p.scale).toBe(Math.fround(4 / 255));
    expect(p.zeroPoint).toBe(64); // round(255 / 4) = round(63.75)
    expect(dequantizeValue(quantizeValue(0, p), p)).toBe(0);
    const xs = [-1, -0.5, 0, 0.01, 1, 2.99, 3];
    for (const x of xs) expect(Math.abs(dequantizeValue(quantizeValue(x, p), p) - x)).toBeLessThanOrEqual(p.scale / 2 + 1e-12);
    // Out of range saturates at the ends.
    expect(quantizeValue(10, p)).toBe(255);
    expect(quantizeValue(-10, p)).toBe(0);
  });

  it("a non-negative range (a ReLU output) puts zero at 0 (uint8) or −128 (int8)", () => {
    expect(computeActivationParams(0, 2.55, "uint8")).toMatchObject({ zeroPoint: 0, scale: Math.fround(0.01) });
    expect(computeActivationParams(0.5, 2.55, "int8")).toMatchObject({ zeroPoint: -128, scale: Math.fround(0.01) });
    // Negative inputs clamp to 0 through Q → DQ: what lets the Relu be folded.
    const p = computeActivationParams(0, 2.55, "uint8");
    expect(dequantizeValue(quantizeValue(-0.7, p), p)).toBe(0);
  });

  it("per-channel symmetric int8 weights: each row scaled by its own |max| / 127", () => {
    const w = new Float32Array([0.3, -1, 0.25, /* row 2 */ 0.02, 0.011, -0.004]);
    const { data, scales } = quantizeWeightsPerChannel(w, 2);
    expect(scales[0]).toBeCloseTo(1 / 127, 9);
    expect(scales[1]).toBeCloseTo(0.02 / 127, 9);
    // 0.3·127 = 38.1, 0.25·127 = 31.75; 0.011/0.02·127 = 69.85, −0.004/0.02·127 = −25.4
    expect(Array.from(data)).toEqual([38, -127, 32, 127, 70, -25]);
    // The small row keeps its precision: one scale for both rows would round it to 3, 1, 0.
    for (let i = 0; i < w.length; i++) {
      const scale = scales[i < 3 ? 0 : 1]!;
      expect(Math.abs(data[i]! * scale - w[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-9);
    }
  });

  it("int32 biases on the accumulator scale (input scale × weight scale)", () => {
    const { data, scales } = quantizeBias(new Float32Array([0.3, -0.05]), 0.1, new Float32Array([0.01, 0.02]));
    expect(scales[0]).toBeCloseTo(0.001, 9);
    expect(scales[1]).toBeCloseTo(0.002, 9);
    expect(Array.from(data)).toEqual([300, -25]);
  });
});

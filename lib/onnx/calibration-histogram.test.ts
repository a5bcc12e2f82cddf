import { describe, expect, it } from "vitest";
import { ActivationHistogram } from "./calibration-histogram";

/** 10,000 values 0..9.999 in steps of 0.001 (a flat distribution), plus what `extra` adds. */
function flat(extra: number[] = []): Float32Array {
  return Float32Array.from([...Array.from({ length: 10_000 }, (_, i) => i / 1000), ...extra]);
}

describe("ActivationHistogram", () => {
  it("tracks exact min and max; MinMax returns them", () => {
    const h = new ActivationHistogram();
    h.add(Float32Array.from([-2, 0.5, 3]));
    h.add(Float32Array.from([1, -0.25]));
    expect(h.chooseRange({ kind: "minmax" })).toEqual({ lo: -2, hi: 3 });
    expect(h.total).toBe(5);
  });

  it("quantiles of a flat distribution, also after the range grew (bins merged, counts exact)", () => {
    const h = new ActivationHistogram();
    h.add(flat());
    h.add(Float32Array.from([-40, 40])); // the range grows 10 → 40 after 10,000 values were binned
    expect(h.total).toBe(10_002);
    expect(h.quantile(0.5)).toBeCloseTo(5, 1);
    expect(h.quantile(0.9)).toBeCloseTo(9, 1);
    expect(h.quantile(0.00005)).toBeLessThan(-30); // the one negative value sits below everything
  });

  it("percentile ignores a few huge outliers that MinMax stretches the range for", () => {
    const h = new ActivationHistogram();
    h.add(flat([1000]));
    expect(h.chooseRange({ kind: "minmax" }).hi).toBe(1000);
    const { lo, hi } = h.chooseRange({ kind: "percentile", percentile: 99.9 });
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(9.5);
    expect(hi).toBeLessThan(10.5);
  });

  it("entropy clips a lone outlier of a non-negative tensor, keeps the bulk", () => {
    const h = new ActivationHistogram();
    h.add(flat([40]));
    const { lo, hi } = h.chooseRange({ kind: "entropy" });
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(9);
    expect(hi).toBeLessThan(20);
  });
});

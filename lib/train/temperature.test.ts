import { describe, expect, it } from "vitest";
import { computeTemperedNll, fitTemperature } from "./temperature";

describe("temperature scaling", () => {
  it("computes the tempered NLL by hand", () => {
    // One row [0.8, 0.2], label 1: at T = 1 the NLL is −ln 0.2; at T = 2, −ln(√0.2 / (√0.8 + √0.2)) = ln 3.
    const p = Float32Array.from([0.8, 0.2]);
    expect(computeTemperedNll(p, Int32Array.from([1]), 1)).toBeCloseTo(-Math.log(0.2), 5);
    expect(computeTemperedNll(p, Int32Array.from([1]), 2)).toBeCloseTo(Math.log(3), 5);
  });

  it("flattens an over-confident classifier and sharpens a timid one", () => {
    // Says 0.99 and is right 3 times in 5: T > 1 fits better.
    const sure = Float32Array.from(Array.from({ length: 5 }, () => [0.99, 0.01]).flat());
    expect(fitTemperature(sure, Int32Array.from([0, 0, 0, 1, 1])).temperature).toBeGreaterThan(2);
    // Says 0.6 and is always right: T < 1.
    const timid = Float32Array.from(Array.from({ length: 5 }, () => [0.6, 0.4]).flat());
    expect(fitTemperature(timid, Int32Array.from([0, 0, 0, 0, 0])).temperature).toBeLessThan(1);
  });
});

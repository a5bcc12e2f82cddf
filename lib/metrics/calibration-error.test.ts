import { describe, expect, it } from "vitest";
import { computeCalibrationError } from "./calibration-error";

describe("computeCalibrationError (10 bins)", () => {
  it("weights each bin's |accuracy − confidence| by its share", () => {
    // Bin 0.9..1: p 0.95 twice, 1 of 2 right → |0.5 − 0.95| = 0.45, share 2/4.
    // Bin 0.1..0.2: p 0.15 twice, none right → |0 − 0.15| = 0.15, share 2/4.
    const forecasts = [
      { p: 0.95, relevant: true },
      { p: 0.95, relevant: false },
      { p: 0.15, relevant: false },
      { p: 0.15, relevant: false },
    ];
    expect(computeCalibrationError(forecasts)).toBeCloseTo(0.5 * 0.45 + 0.5 * 0.15, 12);
  });

  it("is 0 when each bin's confidence is its accuracy, and puts p = 1 in the last bin", () => {
    const forecasts = [
      { p: 1, relevant: true },
      { p: 0.5, relevant: true },
      { p: 0.5, relevant: false },
    ];
    expect(computeCalibrationError(forecasts)).toBeCloseTo(0, 12);
  });

  it("counts a forecast of exactly 1 (last bin)", () => {
    expect(computeCalibrationError([{ p: 1, relevant: false }])).toBe(1);
  });

  it("is 0 for no forecasts", () => {
    expect(computeCalibrationError([])).toBe(0);
  });
});

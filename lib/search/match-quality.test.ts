import { describe, expect, it } from "vitest";
import { applyIsotonic, bandOf, createQualityScale, fitIsotonic, qualityCalibrationSchema, type QualityCalibration } from "./match-quality";

const outcomes = (pairs: [number, 0 | 1][]) => pairs.map(([x, y]) => ({ x, relevant: y === 1 }));

describe("fitIsotonic (pool-adjacent-violators)", () => {
  it("pools violators into their mean, at the block's mean score", () => {
    // (1,1)(2,0) pool to 0.5 at 1.5; (3,1)(4,0) pool to 0.5, which ties the block before: all four 0.5 at 2.5.
    expect(fitIsotonic(outcomes([[3, 1], [1, 1], [5, 1], [2, 0], [4, 0]]))).toEqual([
      { x: 2.5, p: 0.5 },
      { x: 5, p: 1 },
    ]);
  });

  it("keeps an already increasing sequence, pooling equal neighbours", () => {
    expect(fitIsotonic(outcomes([[1, 0], [2, 0], [3, 1], [4, 1]]))).toEqual([
      { x: 1.5, p: 0 },
      { x: 3.5, p: 1 },
    ]);
  });

  it("never decreases, whatever the input", () => {
    const rng = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1 + 1) % 1;
    const knots = fitIsotonic(Array.from({ length: 500 }, (_, i) => ({ x: rng(i), relevant: rng(i + 1000) < rng(i) })));
    for (let i = 1; i < knots.length; i++) {
      expect(knots[i]!.p).toBeGreaterThan(knots[i - 1]!.p);
      expect(knots[i]!.x).toBeGreaterThan(knots[i - 1]!.x);
    }
  });
});

describe("applyIsotonic", () => {
  const knots = [
    { x: 1.5, p: 0 },
    { x: 3.5, p: 1 },
  ];
  it("interpolates between knots and is flat beyond them", () => {
    expect(applyIsotonic(knots, 2.5)).toBeCloseTo(0.5, 12);
    expect(applyIsotonic(knots, 3)).toBeCloseTo(0.75, 12);
    expect(applyIsotonic(knots, -4)).toBe(0);
    expect(applyIsotonic(knots, 9)).toBe(1);
  });
});

describe("bands", () => {
  it("Excellent from 0.9, Good from 0.6, Weak below", () => {
    expect([0.95, 0.9, 0.899, 0.6, 0.599, 0].map(bandOf)).toEqual(["excellent", "excellent", "good", "good", "weak", "weak"]);
  });
});

describe("createQualityScale", () => {
  const calibration: QualityCalibration = {
    version: 1,
    modelId: "aaaa",
    target: "same articleType",
    fittedOn: "val",
    pairs: 4,
    knots: [
      { x: 0.5, p: 0.1 },
      { x: 0.9, p: 0.9 },
    ],
    createdAt: "2026-12-01T00:00:00.000Z",
  };
  it("uses the curve fitted for the served model", () => {
    const scale = createQualityScale(qualityCalibrationSchema.parse(calibration), "aaaa");
    expect(scale.calibrated).toBe(true);
    expect(scale.rate(0.7)).toBeCloseTo(0.5, 12);
  });
  it("falls back to the clamped ranking score for another model or none", () => {
    for (const scale of [createQualityScale(calibration, "bbbb"), createQualityScale(undefined, "aaaa")]) {
      expect(scale.calibrated).toBe(false);
      expect([scale.rate(0.7), scale.rate(1.2), scale.rate(-0.3)]).toEqual([0.7, 1, 0]);
    }
  });
  it("refuses a calibration file whose probabilities leave [0, 1]", () => {
    expect(qualityCalibrationSchema.safeParse({ ...calibration, knots: [{ x: 0, p: 1.5 }] }).success).toBe(false);
  });
});

describe("fitIsotonic with weights", () => {
  it("pools by weight: one relevant result of weight 3 against one irrelevant of weight 1 is 0.75", () => {
    expect(fitIsotonic([{ x: 1, relevant: true, weight: 3 }, { x: 2, relevant: false, weight: 1 }])).toEqual([{ x: 1.25, p: 0.75 }]);
  });
});

import { describe, expect, it } from "vitest";
import { compareTopK, isTargetMet, median, percentile, ratio, recallAtK, sameOrderUpToTies } from "./stats";

describe("median and percentile", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("uses nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted order
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe("recallAtK", () => {
  it("counts the share of the exact top k found, order ignored", () => {
    const exact = [[1, 2, 3], [4, 5, 6]];
    expect(recallAtK([[3, 2, 1], [4, 5, 6]], exact, 3)).toBe(1);
    expect(recallAtK([[1, 9, 8], [6, 7, 7]], exact, 3)).toBeCloseTo(2 / 6, 12);
    expect(recallAtK([[9, 9, 9], [9, 9, 9]], exact, 3)).toBe(0);
  });

  it("only looks at the first k of each list", () => {
    expect(recallAtK([[9, 1]], [[1, 2]], 1)).toBe(0);
    expect(recallAtK([[1, 9]], [[1, 2]], 1)).toBe(1);
  });

  it("refuses lists of different lengths", () => {
    expect(() => recallAtK([[1]], [[1], [2]], 1)).toThrow(/1 approximate lists for 2/);
  });
});

describe("compareTopK and sameOrderUpToTies", () => {
  it("tells identical order from identical sets", () => {
    const r = compareTopK([[1, 2, 3], [1, 2, 3], [1, 2, 3]], [[1, 2, 3], [2, 1, 3], [1, 2, 4]], 3);
    expect(r).toEqual({ sameOrder: 1 / 3, sameSet: 2 / 3, queries: 3 });
  });

  it("accepts swaps only between equal scores", () => {
    const scores = new Map([[1, 0.9], [2, 0.9], [3, 0.5], [4, 0.4]]);
    const scoreOf = (_q: number, row: number) => scores.get(row)!;
    expect(sameOrderUpToTies([[1, 2, 3]], [[2, 1, 3]], scoreOf)).toBe(1);
    expect(sameOrderUpToTies([[1, 3, 4]], [[1, 4, 3]], scoreOf)).toBe(0);
  });
});

describe("targets and ratios", () => {
  it("marks met, not met and not measured", () => {
    expect(isTargetMet(0.4, "<=", 0.5)).toBe(true);
    expect(isTargetMet(0.5, "<=", 0.5)).toBe(true);
    expect(isTargetMet(0.6, "<=", 0.5)).toBe(false);
    expect(isTargetMet(25, ">=", 20)).toBe(true);
    expect(isTargetMet(19.9, ">=", 20)).toBe(false);
    expect(isTargetMet(null, ">=", 20)).toBeNull();
    expect(isTargetMet(Number.NaN, ">=", 20)).toBeNull();
  });

  it("divides ours by the anchor, null when a side is missing", () => {
    expect(ratio(5, 20)).toBe(0.25);
    expect(ratio(5, null)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
  });
});

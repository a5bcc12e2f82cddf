import { describe, expect, it } from "vitest";
import {
  computeAveragePrecisionAtK,
  computePercentile,
  computePrecisionAtK,
  computeReciprocalRank,
  evaluateRetrieval,
  summarizeLatency,
} from "./retrieval";

// Relevant ("s" for shirt) at ranks 1 and 3 of the top 5.
const ranked = ["s", "x", "s", "y", "z", "s", "s", "x", "x", "x", "s"];
const is = (labels: readonly string[], label: string) => labels.map((l) => l === label);

describe("per-query metrics", () => {
  it("precision@K counts relevant results in the top K over K", () => {
    expect(computePrecisionAtK(is(ranked, "s"), 1)).toBe(1);
    expect(computePrecisionAtK(is(ranked, "s"), 5)).toBe(2 / 5);
    expect(computePrecisionAtK(is(ranked, "s"), 10)).toBe(4 / 10);
    // A short list counts missing places as misses.
    expect(computePrecisionAtK(is(["s", "s"], "s"), 5)).toBe(2 / 5);
  });

  it("reciprocal rank uses the first relevant result anywhere in the list", () => {
    expect(computeReciprocalRank(is(ranked, "s"))).toBe(1);
    expect(computeReciprocalRank(is(ranked, "z"))).toBe(1 / 5);
    expect(computeReciprocalRank(is(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "q"], "q"))).toBe(1 / 12);
    expect(computeReciprocalRank(is(ranked, "missing"))).toBe(0);
  });

  it("AP@K averages the precision at each relevant rank within the top K", () => {
    expect(computeAveragePrecisionAtK(is(ranked, "s"), 5)).toBeCloseTo((1 / 1 + 2 / 3) / 2, 12);
    // Top 10 has relevant at ranks 1, 3, 6, 7.
    expect(computeAveragePrecisionAtK(is(ranked, "s"), 10)).toBeCloseTo((1 + 2 / 3 + 3 / 6 + 4 / 7) / 4, 12);
    expect(computeAveragePrecisionAtK(is(["x", "s"], "s"), 5)).toBe(1 / 2);
    expect(computeAveragePrecisionAtK(is(ranked, "missing"), 10)).toBe(0);
    expect(computeAveragePrecisionAtK(is(["x", "x", "s"], "s"), 2)).toBe(0);
  });

  it("rejects a non-positive K", () => {
    expect(() => computePrecisionAtK(is(ranked, "s"), 0)).toThrow(/k must be/);
    expect(() => computeAveragePrecisionAtK(is(ranked, "s"), -1)).toThrow(/k must be/);
  });
});

describe("evaluateRetrieval", () => {
  it("aggregates hand-checked values overall and per label", () => {
    const result = evaluateRetrieval([
      { label: "shirt", relevant: is(["shirt", "x", "shirt", "y", "z"], "shirt") }, // P@1 1, P@5 .4, RR 1, AP@10 (1+2/3)/2
      { label: "shirt", relevant: is(["x", "shirt", "x", "x", "x"], "shirt") }, // P@1 0, P@5 .2, RR 1/2, AP@10 1/2
      { label: "bag", relevant: is(["x", "y"], "bag") }, // all 0
    ]);
    expect(result.overall.queries).toBe(3);
    expect(result.overall.pAt1).toBeCloseTo(1 / 3, 12);
    expect(result.overall.pAt5).toBeCloseTo(0.6 / 3, 12);
    expect(result.overall.pAt10).toBeCloseTo((0.2 + 0.1) / 3, 12);
    expect(result.overall.mrr).toBeCloseTo(1.5 / 3, 12);
    expect(result.overall.mapAt10).toBeCloseTo(((1 + 2 / 3) / 2 + 1 / 2) / 3, 12);
    expect(result.perLabel).toEqual([
      { label: "bag", queries: 1, pAt5: 0 },
      { label: "shirt", queries: 2, pAt5: expect.closeTo(0.3, 12) },
    ]);
  });

  it("returns zeros for no queries", () => {
    expect(evaluateRetrieval([])).toEqual({
      overall: { queries: 0, pAt1: 0, pAt5: 0, pAt10: 0, mrr: 0, mapAt10: 0 },
      perLabel: [],
    });
  });
});

describe("latency helpers", () => {
  it("computes percentiles by nearest rank", () => {
    const values = [15, 20, 35, 40, 50];
    expect(computePercentile(values, 5)).toBe(15);
    expect(computePercentile(values, 30)).toBe(20);
    expect(computePercentile(values, 40)).toBe(20);
    expect(computePercentile(values, 50)).toBe(35);
    expect(computePercentile(values, 100)).toBe(50);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted input
    expect(computePercentile(hundred, 95)).toBe(95);
    expect(computePercentile([], 50)).toBeNaN();
    expect(() => computePercentile(values, 0)).toThrow();
  });

  it("summarizes a latency sample", () => {
    expect(summarizeLatency([4, 1, 3, 2])).toEqual({ count: 4, p50: 2, p95: 4, mean: 2.5, max: 4 });
    expect(summarizeLatency([]).count).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { mergeExplainSamples, summariseExplainSamples, type ExplainSamples } from "./evaluate-explain";

/** One photo pair's drops: the same numbers for every scoring and masking but the headline (pixel scoring, background masking). */
function slice(query: [number, number], result: [number, number], headline: { query: [number, number]; result: [number, number] }): ExplainSamples {
  const side = ([top, random]: [number, number]) => ({ top: [top], random: [random] });
  const samples = () => ({ query: side(query), result: side(result) });
  return {
    model: { name: "m", id: "abc" },
    split: "test",
    seed: 1,
    drops: {
      pixel: { background: { query: side(headline.query), result: side(headline.result) }, mean: samples(), feature: samples() },
      feature: { background: samples(), mean: samples(), feature: samples() },
    },
    similarities: [0.9],
    embeddedCells: [30, 40],
    maxEmbeddingDiff: 0,
    cellsMasked: 8,
    cells: 42,
    meanFill: false,
    seconds: 10,
    slices: 1,
  };
}

describe("summariseExplainSamples", () => {
  it("pools both sides of every photo, by hand: top (0.6 + 0.2 + 0.4 + 0.4) / 4 vs random (0.1 + 0.3 + 0.2 + 0.2) / 4", () => {
    const a = slice([0.1, 0.1], [0.1, 0.1], { query: [0.6, 0.1], result: [0.2, 0.3] });
    const b = slice([0.5, 0.1], [0.5, 0.1], { query: [0.4, 0.2], result: [0.4, 0.2] });
    const { measures, section } = summariseExplainSamples(mergeExplainSamples([a, b]), { split: "test", pairs: 2, seed: 1 });
    expect(measures.topDrop).toBeCloseTo(0.4, 9);
    expect(measures.randomDrop).toBeCloseTo(0.2, 9);
    expect(measures.ratio).toBeCloseTo(2, 9);
    expect(measures.pass).toBe(true);
    expect(measures.topBeatsRandom).toBe(3); // 0.2 < 0.3 on the first result
    expect(measures.bySide.query).toEqual({ topDrop: 0.5, randomDrop: expect.closeTo(0.15, 9) });
    // The feature-zeroing cells: (0.1 + 0.1 + 0.5 + 0.5) / 4 over (0.1 × 4) / 4.
    expect(measures.byMethod.feature.background?.ratio).toBeCloseTo(3, 9);
    expect(measures.byMethod.pixel.mean).toBeUndefined();
    expect({ pairs: measures.pairs, photos: measures.photos, cells: measures.meanCellsEmbedded, slices: measures.slices, seconds: measures.seconds }).toEqual({ pairs: 2, photos: 4, cells: 35, slices: 2, seconds: 20 });
    expect(section.facts?.["ratio (bar: ≥ 2)"]).toBe("2.00 — PASS");
  });

  it("merges slices in order, as the whole run lists them", () => {
    const a = slice([0.1, 0.2], [0.3, 0.4], { query: [0.5, 0.6], result: [0.7, 0.8] });
    const b = slice([0.9, 1.0], [1.1, 1.2], { query: [1.3, 1.4], result: [1.5, 1.6] });
    const merged = mergeExplainSamples([a, b]);
    expect(merged.drops.pixel.background.query).toEqual({ top: [0.5, 1.3], random: [0.6, 1.4] });
    expect(merged.drops.feature.feature.result).toEqual({ top: [0.3, 1.1], random: [0.4, 1.2] });
    expect(merged.embeddedCells).toEqual([30, 40, 30, 40]);
  });

  it("refuses slices of different models or seeds", () => {
    expect(() => mergeExplainSamples([slice([0, 0], [0, 0], { query: [0, 0], result: [0, 0] }), { ...slice([0, 0], [0, 0], { query: [0, 0], result: [0, 0] }), seed: 2 }])).toThrow(/different/);
  });
});

import { describe, expect, it } from "vitest";
import { TopK, compareScoredRows, selectTopK } from "./topk";

/** Deterministic pseudo-random numbers (LCG) so failures reproduce. */
function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function sortAll(scores: Float32Array, mask?: Uint8Array) {
  return Array.from(scores, (score, row) => ({ row, score }))
    .filter(({ row }) => mask === undefined || mask[row] !== 0)
    .sort(compareScoredRows);
}

describe("selectTopK", () => {
  it("matches a full sort on random data with many ties", () => {
    const random = makeRandom(7);
    for (const n of [0, 1, 5, 100, 1000]) {
      // Few distinct values, so ties are everywhere.
      const scores = Float32Array.from({ length: n }, () => Math.floor(random() * 10) / 10);
      for (const k of [1, 3, 10, 2000]) {
        expect(selectTopK(scores, k)).toEqual(sortAll(scores).slice(0, k));
      }
    }
  });

  it("breaks ties by lower row", () => {
    const scores = Float32Array.from([0.5, 0.9, 0.5, 0.9, 0.5]);
    expect(selectTopK(scores, 3).map((r) => r.row)).toEqual([1, 3, 0]);
  });

  it("only lets masked rows compete", () => {
    const random = makeRandom(11);
    const scores = Float32Array.from({ length: 500 }, () => random());
    const mask = Uint8Array.from({ length: 500 }, () => (random() < 0.05 ? 1 : 0));
    expect(selectTopK(scores, 10, mask)).toEqual(sortAll(scores, mask).slice(0, 10));
    expect(selectTopK(scores, 10, new Uint8Array(500))).toEqual([]);
  });

  it("returns nothing for k = 0 and skips NaN", () => {
    expect(selectTopK(Float32Array.from([1, 2]), 0)).toEqual([]);
    expect(selectTopK(Float32Array.from([Number.NaN, 0.2, Number.NaN, 0.1]), 5)).toEqual([
      { row: 1, score: expect.closeTo(0.2, 6) },
      { row: 3, score: expect.closeTo(0.1, 6) },
    ]);
  });
});

describe("TopK", () => {
  it("keeps the k best whatever the push order, ties to the lower row", () => {
    const random = makeRandom(3);
    const items = Array.from({ length: 300 }, (_, row) => ({ row, score: Math.floor(random() * 20) }));
    const shuffled = [...items].sort(() => random() - 0.5);
    const heap = new TopK(25);
    for (const { row, score } of shuffled) heap.push(row, score);
    expect(heap.toSorted()).toEqual([...items].sort(compareScoredRows).slice(0, 25));
    expect(heap.isFull).toBe(true);
    expect(heap.threshold).toBe(heap.toSorted().at(-1)?.score);
  });

  it("rejects a negative k", () => {
    expect(() => new TopK(-1)).toThrow(/k must be/);
  });
});

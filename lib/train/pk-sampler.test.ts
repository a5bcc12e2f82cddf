import { describe, expect, it } from "vitest";
import { PkSampler } from "./pk-sampler";

function labelsOf(counts: number[]): Int32Array {
  return Int32Array.from(counts.flatMap((n, c) => Array.from({ length: n }, () => c)));
}

describe("PkSampler", () => {
  const labels = labelsOf([40, 13, 9, 25, 4, 3, 60, 11]);

  it("yields P distinct classes × K items, no item repeated within a batch", () => {
    const batches = new PkSampler(labels, { p: 4, k: 4, seed: 1 }).epoch();
    expect(batches.length).toBeGreaterThan(5);
    for (const batch of batches) {
      expect(batch).toHaveLength(16);
      expect(new Set(batch).size).toBe(16);
      const perClass = new Map<number, number>();
      for (const row of batch) perClass.set(labels[row]!, (perClass.get(labels[row]!) ?? 0) + 1);
      expect(perClass.size).toBe(4);
      for (const count of perClass.values()) expect(count).toBe(4);
    }
  });

  it("never samples classes smaller than K", () => {
    const batches = new PkSampler(labels, { p: 3, k: 5, seed: 2 }).epoch();
    const seen = new Set(batches.flat().map((row) => labels[row]));
    expect(seen.has(4)).toBe(false); // 4 items
    expect(seen.has(5)).toBe(false); // 3 items
  });

  it("sees each item at most once per epoch, and nearly all of a balanced data set", () => {
    const rows = new PkSampler(labels, { p: 4, k: 4, seed: 3 }).epoch().flat();
    expect(new Set(rows).size).toBe(rows.length);
    const balanced = labelsOf(Array.from({ length: 12 }, () => 20));
    const covered = new PkSampler(balanced, { p: 4, k: 4, seed: 3 }).epoch().flat();
    expect(new Set(covered).size).toBe(covered.length);
    expect(covered.length).toBeGreaterThanOrEqual(0.9 * balanced.length);
  });

  it("is reproducible for a seed and differs across seeds", () => {
    const a = new PkSampler(labels, { p: 4, k: 4, seed: 7 }).epoch();
    const b = new PkSampler(labels, { p: 4, k: 4, seed: 7 }).epoch();
    const c = new PkSampler(labels, { p: 4, k: 4, seed: 8 }).epoch();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("refuses data with fewer than P usable classes", () => {
    expect(() => new PkSampler(labelsOf([10, 10]), { p: 3, k: 2, seed: 1 })).toThrow(/3 classes/);
  });
});

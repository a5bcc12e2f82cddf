import { describe, expect, it } from "vitest";
import { cellContributions, descriptorWithout, explainAgainst, occludedDescriptors, parentCells, topCells, type DescriptorMaps } from "./cell-contributions";

// A 2×2 last stage with one channel [1, 0, 0, 3] (GAP 1, GeM ∛7) and a 2×2 finer map [2, 0, 0, 2] (GAP 1).
const maps: DescriptorMaps = {
  last: { data: Float32Array.from([1, 0, 0, 3]), channels: 1, rows: 2, cols: 2 },
  before: { data: Float32Array.from([2, 0, 0, 2]), channels: 1, rows: 2, cols: 2 },
};

/** A linear head that reads the two GAPs only: e = normalise([gap_last, gap_before]). */
async function linearHead(descriptors: Float32Array, n: number): Promise<Float32Array> {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = descriptors[i * 3]!;
    const b = descriptors[i * 3 + 2]!;
    const norm = Math.hypot(a, b) || 1;
    out[i * 2] = a / norm;
    out[i * 2 + 1] = b / norm;
  }
  return out;
}

describe("occludedDescriptors", () => {
  it("pools GAP, GeM (p = 3) and the finer GAP, whole and with each cell zeroed", () => {
    const d = occludedDescriptors(maps);
    expect(d.length).toBe(5 * 3);
    // Whole: [1, ∛(28/4), 1].
    expect(d[0]).toBeCloseTo(1, 6);
    expect(d[1]).toBeCloseTo(Math.cbrt(7), 5);
    expect(d[2]).toBeCloseTo(1, 6);
    // Cell 0 zeroed: GAP 0/4 + 3/4, GeM ∛(27/4), finer GAP 2/4.
    expect([d[3], d[4], d[5]].map((v) => Number(v!.toFixed(5)))).toEqual([0.75, Number(Math.cbrt(27 / 4).toFixed(5)), 0.5]);
    // Cell 3 zeroed: GAP 1/4, GeM ∛(1/4), finer GAP 2/4.
    expect([d[12], d[13], d[14]].map((v) => Number(v!.toFixed(5)))).toEqual([0.25, Number(Math.cbrt(1 / 4).toFixed(5)), 0.5]);
    // Cells 1 and 2 hold zeros: zeroing them changes nothing.
    expect(Array.from(d.slice(6, 9))).toEqual(Array.from(d.slice(0, 3)));
  });

  it("assigns each cell of a finer, odd-sized map to the grid cell it lies in", () => {
    // 14×11 under 7×6, as ResNet50 gives for a 224×168 input.
    const parents = parentCells({ data: new Float32Array(0), channels: 0, rows: 14, cols: 11 }, { rows: 7, cols: 6 });
    expect(Array.from(parents.slice(0, 11))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(parents[13 * 11 + 10]).toBe(41);
  });
});

describe("explainAgainst", () => {
  it("scores each cell by the cosine it takes away, by hand: cos = g/√(g² + h²) against [1, 0]", async () => {
    const { grid, similarity, contributions } = await explainAgainst(maps, Float32Array.from([1, 0]), linearHead);
    expect(grid).toEqual({ rows: 2, cols: 2 });
    expect(similarity).toBeCloseTo(1 / Math.SQRT2, 6); // [1, 1] / √2
    // Cell 0 zeroed: [0.75, 0.5] → 0.75 / √0.8125 = 0.83205: it pulled away from [1, 0].
    expect(contributions[0]).toBeCloseTo(0.70711 - 0.83205, 4);
    expect(contributions[1]).toBeCloseTo(0, 6);
    expect(contributions[2]).toBeCloseTo(0, 6);
    // Cell 3 zeroed: [0.25, 0.5] → 0.25 / √0.3125 = 0.44721.
    expect(contributions[3]).toBeCloseTo(0.70711 - 0.44721, 4);
    expect(topCells(contributions, 0.25)).toEqual([3]);
  });

  it("refuses embeddings of the wrong size", () => {
    expect(() => cellContributions(new Float32Array(6), 4, new Float32Array(2))).toThrow(/Expected 10/);
  });
});

describe("topCells", () => {
  it("takes the rounded share, at least one, best first", () => {
    expect(topCells([0.1, 0.5, -0.2, 0.3, 0.0], 0.4)).toEqual([1, 3]);
    expect(topCells([0.1, 0.5], 0.01)).toEqual([1]);
  });
});

describe("descriptorWithout", () => {
  it("pools with several cells zeroed at once, as one row of occludedDescriptors does for one", () => {
    const one = occludedDescriptors(maps).slice(12, 15);
    expect(Array.from(descriptorWithout(maps, [3]))).toEqual(Array.from(one));
    // Cells 0 and 3 zeroed: nothing left but the floor.
    const both = descriptorWithout(maps, [0, 3]);
    expect(both[0]).toBe(0);
    expect(both[2]).toBe(0);
    expect(both[1]).toBeCloseTo(1e-6, 9);
  });
});

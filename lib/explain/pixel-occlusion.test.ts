import { describe, expect, it } from "vitest";
import { occludeCells, type EmbedPixels } from "./pixel-occlusion";

// A 2×2 image, one pixel per cell of a 2×2 grid; only channel 0 matters to the toy model.
const size = { height: 2, width: 2 };
const grid = { rows: 2, cols: 2 };
const fill = [0, 0, 0] as const;
const pixels = Float32Array.from([3, 0, 0, 0, 0, 0, 1, 0, 0, 4, 0, 0]); // cell 1 already holds the fill

/** A toy model: e = normalise([sum of channel 0, 1]); records each call's batch size. */
function toyModel(calls: number[]): EmbedPixels {
  return async (batch, n) => {
    calls.push(n);
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let p = 0; p < 4; p++) sum += batch[(i * 4 + p) * 3]!;
      const norm = Math.hypot(sum, 1);
      out[i * 2] = sum / norm;
      out[i * 2 + 1] = 1 / norm;
    }
    return out;
  };
}

describe("occludeCells", () => {
  it("scores each cell by the cosine that filling its pixel block takes away, by hand against [1, 0]", async () => {
    const calls: number[] = [];
    const embedding = Float32Array.from([8 / Math.hypot(8, 1), 1 / Math.hypot(8, 1)]);
    const other = Float32Array.from([1, 0]);
    const { similarity, contributions, embedded } = await occludeCells(pixels, size, grid, fill, embedding, other, toyModel(calls), 2);
    expect(similarity).toBeCloseTo(8 / Math.sqrt(65), 6);
    // Cell 0 filled: sum 5 → 5/√26; cell 2: sum 7 → 7/√50; cell 3: sum 4 → 4/√17.
    expect(contributions[0]).toBeCloseTo(8 / Math.sqrt(65) - 5 / Math.sqrt(26), 6);
    expect(contributions[1]).toBe(0);
    expect(contributions[2]).toBeCloseTo(8 / Math.sqrt(65) - 7 / Math.sqrt(50), 6);
    expect(contributions[3]).toBeCloseTo(8 / Math.sqrt(65) - 4 / Math.sqrt(17), 6);
    // Cell 1 changes nothing when filled, so it is not re-embedded; the other 3 go in batches of 2.
    expect(embedded).toBe(3);
    expect(calls).toEqual([2, 1]);
  });

  it("leaves the photo it was given as it was", async () => {
    const copy = pixels.slice();
    await occludeCells(pixels, size, grid, fill, Float32Array.from([1, 0]), Float32Array.from([1, 0]), toyModel([]));
    expect(Array.from(pixels)).toEqual(Array.from(copy));
  });

  it("refuses embeddings of different sizes", async () => {
    await expect(occludeCells(pixels, size, grid, fill, new Float32Array(3), new Float32Array(2), toyModel([]))).rejects.toThrow(/differ in size/);
  });
});

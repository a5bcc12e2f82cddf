import { describe, expect, it } from "vitest";
import { caffePreprocess } from "../model/manifest";
import { backgroundFill, isCellFilled, maskCells } from "./mask-cells";

describe("maskCells", () => {
  it("fills exactly the chosen cells of a 4×3 image under a 2×3 grid with the mean (0), leaving the input as it was", () => {
    const pixels = Float32Array.from({ length: 4 * 3 * 3 }, (_, i) => i + 1);
    const out = maskCells(pixels, { height: 4, width: 3 }, { rows: 2, cols: 3 }, [1, 5]);
    // Cell 1 = rows 0–1, column 1; cell 5 = rows 2–3, column 2.
    const zeroed = (y: number, x: number) => out.slice((y * 3 + x) * 3, (y * 3 + x) * 3 + 3).every((v) => v === 0);
    const masked = [[0, 1], [1, 1], [2, 2], [3, 2]].map(([y, x]) => `${y},${x}`);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) expect(zeroed(y, x)).toBe(masked.includes(`${y},${x}`));
    expect(pixels[4]).toBe(5);
  });

  it("fills with a given per-channel value", () => {
    const out = maskCells(new Float32Array(2 * 2 * 3), { height: 2, width: 2 }, { rows: 1, cols: 2 }, [1], [1, 2, 3]);
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 2, 3, 0, 0, 0, 1, 2, 3]);
  });

  it("refuses pixels of the wrong size", () => {
    expect(() => maskCells(new Float32Array(5), { height: 2, width: 2 }, { rows: 1, cols: 1 }, [0])).toThrow(/Expected 12/);
  });
});

describe("isCellFilled", () => {
  it("says a cell is filled only when every pixel of its block holds the fill", () => {
    const pixels = new Float32Array(4 * 3 * 3).fill(7);
    pixels[(3 * 3 + 2) * 3 + 1] = 0; // row 3, column 2, channel 1: inside cell 5 of a 2×3 grid
    const size = { height: 4, width: 3 };
    const grid = { rows: 2, cols: 3 };
    expect([0, 1, 2, 3, 4, 5].map((cell) => isCellFilled(pixels, size, grid, cell, [7, 7, 7]))).toEqual([true, true, true, true, true, false]);
    expect(isCellFilled(pixels, size, grid, 0, [7, 7, 0])).toBe(false);
  });
});

describe("backgroundFill", () => {
  it("is the model's background normalised as the preprocessing normalises it (white, BGR, caffe means)", () => {
    const fill = backgroundFill({ ...caffePreprocess, background: [255, 255, 255] });
    expect(fill.map((v) => Number(v.toFixed(3)))).toEqual([255 - 103.939, 255 - 116.779, 255 - 123.68].map((v) => Number(v.toFixed(3))));
  });
});

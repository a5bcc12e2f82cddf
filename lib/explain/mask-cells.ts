import { normalisePixels } from "../image/preprocess";
import type { PreprocessConfig } from "../image/preprocess-config";
import type { CellGrid } from "./cell-contributions";

/** A normalised fill value, one per channel (the model's float layout). */
export type CellFill = readonly [number, number, number];

/**
 * The one masking definition of the heat-maps and of their faithfulness test: a masked cell is
 * filled with the model's background (the letterbox and alpha fill, white on this catalog: what
 * the model sees where there is nothing), normalised as the preprocessing normalises it.
 */
export function backgroundFill(config: PreprocessConfig): CellFill {
  return Array.from(normalisePixels(Uint8Array.from(config.background), config)) as unknown as CellFill;
}

/** The pixel block of grid cell `cell`: rows ⌊r·H/rows⌋..⌊(r+1)·H/rows⌋, likewise columns (end exclusive). */
export function cellBlock(cell: number, size: { height: number; width: number }, grid: CellGrid): { y0: number; y1: number; x0: number; x1: number } {
  const r = Math.floor(cell / grid.cols);
  const c = cell % grid.cols;
  return {
    y0: Math.floor((r * size.height) / grid.rows),
    y1: Math.floor(((r + 1) * size.height) / grid.rows),
    x0: Math.floor((c * size.width) / grid.cols),
    x1: Math.floor(((c + 1) * size.width) / grid.cols),
  };
}

/**
 * A copy of normalised NHWC model pixels (height×width×3) with the given grid cells' blocks
 * (cellBlock) filled with `fill` (default 0, which after normalisation is the preprocessing
 * mean, a flat grey-brown).
 */
export function maskCells(
  pixels: Float32Array,
  size: { height: number; width: number },
  grid: CellGrid,
  cells: readonly number[],
  fill: CellFill = [0, 0, 0],
): Float32Array {
  const { height, width } = size;
  if (pixels.length !== height * width * 3) throw new Error(`Expected ${height * width * 3} pixel floats, got ${pixels.length}`);
  const out = pixels.slice();
  for (const cell of cells) {
    const { y0, y1, x0, x1 } = cellBlock(cell, size, grid);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.set(fill, (y * width + x) * 3);
  }
  return out;
}

/** Whether masking `cell` changes nothing: every pixel of its block already holds `fill`. */
export function isCellFilled(pixels: Float32Array, size: { height: number; width: number }, grid: CellGrid, cell: number, fill: CellFill): boolean {
  const { y0, y1, x0, x1 } = cellBlock(cell, size, grid);
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = (y * size.width + x) * 3;
      if (pixels[i] !== fill[0] || pixels[i + 1] !== fill[1] || pixels[i + 2] !== fill[2]) return false;
    }
  return true;
}

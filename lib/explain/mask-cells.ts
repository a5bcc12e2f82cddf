import type { CellGrid } from "./cell-contributions";

/**
 * A copy of normalised NHWC model pixels (height×width×3) with the given grid cells filled with
 * `fill` (one normalised value per channel; default 0, which after normalisation is the
 * preprocessing mean, a flat grey-brown). Cell r, c covers rows ⌊r·H/rows⌋..⌊(r+1)·H/rows⌋ and
 * likewise columns.
 */
export function maskCells(
  pixels: Float32Array,
  size: { height: number; width: number },
  grid: CellGrid,
  cells: readonly number[],
  fill: readonly [number, number, number] = [0, 0, 0],
): Float32Array {
  const { height, width } = size;
  if (pixels.length !== height * width * 3) throw new Error(`Expected ${height * width * 3} pixel floats, got ${pixels.length}`);
  const out = pixels.slice();
  for (const cell of cells) {
    const r = Math.floor(cell / grid.cols);
    const c = cell % grid.cols;
    const y0 = Math.floor((r * height) / grid.rows);
    const y1 = Math.floor(((r + 1) * height) / grid.rows);
    const x0 = Math.floor((c * width) / grid.cols);
    const x1 = Math.floor(((c + 1) * width) / grid.cols);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.set(fill, (y * width + x) * 3);
  }
  return out;
}

import type { CellGrid } from "./cell-contributions";
import { isCellFilled, maskCells, type CellFill } from "./mask-cells";

/** Embeds n preprocessed images laid end to end through the served model: L2-normalised embeddings [n, dim]. */
export type EmbedPixels = (pixels: Float32Array, n: number) => Promise<Float32Array>;

/** Occluded images per onnxruntime run: 42 cells in 3 runs, each short enough for a search to slip in between. */
export const OCCLUSION_BATCH = 14;

export type PixelOcclusion = {
  grid: CellGrid;
  /** cosine(embedding, other) of the unmasked photo. */
  similarity: number;
  /** Per cell, row-major: the cosine to `other` that masking the cell's pixel block (maskCells) takes away. */
  contributions: Float32Array;
  /** Cells re-embedded (a cell whose block already holds the fill changes nothing: 0, no run). */
  embedded: number;
};

const dot = (a: Float32Array, offset: number, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += a[offset + i]! * b[i]!;
  return s;
};

/**
 * Pixel-space occlusion, the heat-map's score: each grid cell's pixel block is filled with `fill`
 * exactly as the faithfulness test masks it (maskCells), the photo re-embedded by the served model,
 * and the cell scored by how much of the cosine to `other` that takes away. The masked copies go
 * through `embed` in batches of `batch`.
 */
export async function occludeCells(
  pixels: Float32Array,
  size: { height: number; width: number },
  grid: CellGrid,
  fill: CellFill,
  embedding: Float32Array,
  other: Float32Array,
  embed: EmbedPixels,
  batch = OCCLUSION_BATCH,
): Promise<PixelOcclusion> {
  if (embedding.length !== other.length) throw new Error(`Embeddings differ in size: ${embedding.length} vs ${other.length}`);
  const similarity = dot(embedding, 0, other);
  const cells = grid.rows * grid.cols;
  const contributions = new Float32Array(cells);
  const changed = Array.from({ length: cells }, (_, i) => i).filter((cell) => !isCellFilled(pixels, size, grid, cell, fill));
  const dim = other.length;
  for (let start = 0; start < changed.length; start += batch) {
    const chunk = changed.slice(start, start + batch);
    const masked = new Float32Array(pixels.length * chunk.length);
    chunk.forEach((cell, i) => masked.set(maskCells(pixels, size, grid, [cell], fill), i * pixels.length));
    const out = await embed(masked, chunk.length);
    if (out.length !== chunk.length * dim) throw new Error(`Expected ${chunk.length * dim} embedding floats, got ${out.length}`);
    chunk.forEach((cell, i) => (contributions[cell] = similarity - dot(out, i * dim, other)));
  }
  return { grid, similarity, contributions, embedded: changed.length };
}

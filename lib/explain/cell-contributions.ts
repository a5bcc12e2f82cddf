import { GEM_EPS, GEM_P } from "../model/build-backbone";

/** A spatial feature map of one image before pooling, channels first: `data[c * rows * cols + cell]`. */
export type FeatureMap = { data: Float32Array; channels: number; rows: number; cols: number };

/**
 * The two maps the served descriptor is pooled from (lib/model/build-backbone.ts descriptorLayout):
 * the last stage (GAP, then GeM) and the stage before (GAP), which has twice the resolution.
 */
export type DescriptorMaps = { last: FeatureMap; before: FeatureMap };

/** The explanation grid: the last stage's cells, row-major. */
export type CellGrid = { rows: number; cols: number };

/** Maps a batch of raw descriptors [n, dim] to the served L2-normalised embeddings [n, embedDim] (the head). */
export type EmbedDescriptors = (descriptors: Float32Array, n: number) => Promise<Float32Array>;

/** Floats in the descriptor pooled from these maps (GAP + GeM of the last stage, GAP of the one before). */
export function descriptorDimOf(maps: DescriptorMaps): number {
  return 2 * maps.last.channels + maps.before.channels;
}

/** For each cell of the finer map, the grid cell (of the last stage) it lies in. */
export function parentCells(before: FeatureMap, grid: CellGrid): Int32Array {
  const parents = new Int32Array(before.rows * before.cols);
  for (let y = 0; y < before.rows; y++)
    for (let x = 0; x < before.cols; x++) {
      const py = Math.min(grid.rows - 1, Math.floor((y * grid.rows) / before.rows));
      const px = Math.min(grid.cols - 1, Math.floor((x * grid.cols) / before.cols));
      parents[y * before.cols + x] = py * grid.cols + px;
    }
  return parents;
}

/**
 * The descriptor as the served graph pools it, once whole (row 0) and once with each grid cell
 * zeroed (row 1 + cell): that cell's last-stage features and the finer-map features inside it
 * set to 0 before pooling, the divisors unchanged (the cell is masked, not cut out).
 * Returns [(cells + 1), descriptorDim] row-major.
 */
export function occludedDescriptors(maps: DescriptorMaps): Float32Array {
  const { last, before } = maps;
  const grid = { rows: last.rows, cols: last.cols };
  const cells = last.rows * last.cols;
  const fine = before.rows * before.cols;
  const dim = descriptorDimOf(maps);
  const parents = parentCells(before, grid);
  const out = new Float32Array((cells + 1) * dim);
  const floorCube = GEM_EPS ** GEM_P;
  for (let c = 0; c < last.channels; c++) {
    let sum = 0;
    let cubes = 0;
    const base = c * cells;
    for (let i = 0; i < cells; i++) {
      const v = last.data[base + i]!;
      sum += v;
      cubes += Math.max(v, GEM_EPS) ** GEM_P;
    }
    for (let row = 0; row <= cells; row++) {
      const v = row === 0 ? 0 : last.data[base + row - 1]!;
      const cube = row === 0 ? 0 : Math.max(v, GEM_EPS) ** GEM_P - floorCube;
      out[row * dim + c] = (sum - v) / cells;
      out[row * dim + last.channels + c] = (Math.max(cubes - cube, 0) / cells) ** (1 / GEM_P);
    }
  }
  const offset = 2 * last.channels;
  const inside = new Float64Array(cells);
  for (let c = 0; c < before.channels; c++) {
    inside.fill(0);
    let sum = 0;
    const base = c * fine;
    for (let j = 0; j < fine; j++) {
      const v = before.data[base + j]!;
      sum += v;
      inside[parents[j]!]! += v;
    }
    for (let row = 0; row <= cells; row++) out[row * dim + offset + c] = (sum - (row === 0 ? 0 : inside[row - 1]!)) / fine;
  }
  return out;
}

/** The descriptor pooled with the given grid cells zeroed (their last-stage features and the finer-map features inside them). */
export function descriptorWithout(maps: DescriptorMaps, cells: readonly number[]): Float32Array {
  const grid = { rows: maps.last.rows, cols: maps.last.cols };
  const n = grid.rows * grid.cols;
  const last = maps.last.data.slice();
  const before = maps.before.data.slice();
  const drop = new Set(cells);
  for (let c = 0; c < maps.last.channels; c++) for (const cell of drop) last[c * n + cell] = 0;
  const parents = parentCells(maps.before, grid);
  const fine = parents.length;
  for (let c = 0; c < maps.before.channels; c++) for (let j = 0; j < fine; j++) if (drop.has(parents[j]!)) before[c * fine + j] = 0;
  const zeroed = { last: { ...maps.last, data: last }, before: { ...maps.before, data: before } };
  return occludedDescriptors(zeroed).slice(0, descriptorDimOf(maps));
}

/**
 * How much each cell adds to the cosine between this image's served embedding and `other`:
 * cosine(whole) − cosine(that cell zeroed), from the embeddings of occludedDescriptors' rows.
 * Positive cells hold what the two photos share; the sum is not the cosine (cells overlap in effect).
 */
export function cellContributions(embeddings: Float32Array, cells: number, other: Float32Array): { similarity: number; contributions: Float32Array } {
  const dim = other.length;
  if (embeddings.length !== (cells + 1) * dim) throw new Error(`Expected ${(cells + 1) * dim} embedding floats, got ${embeddings.length}`);
  const cosine = (row: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += embeddings[row * dim + d]! * other[d]!;
    return s;
  };
  const similarity = cosine(0);
  const contributions = new Float32Array(cells);
  for (let i = 0; i < cells; i++) contributions[i] = similarity - cosine(i + 1);
  return { similarity, contributions };
}

/** Per-cell contributions of one image's maps to its cosine with `other`, through the given head. */
export async function explainAgainst(maps: DescriptorMaps, other: Float32Array, embed: EmbedDescriptors): Promise<{ grid: CellGrid; similarity: number; contributions: Float32Array }> {
  const cells = maps.last.rows * maps.last.cols;
  const embeddings = await embed(occludedDescriptors(maps), cells + 1);
  return { grid: { rows: maps.last.rows, cols: maps.last.cols }, ...cellContributions(embeddings, cells, other) };
}

/** The indices of the `share` highest-scored cells (at least one), best first. */
export function topCells(scores: ArrayLike<number>, share: number): number[] {
  const count = Math.max(1, Math.round(scores.length * share));
  return Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, count);
}

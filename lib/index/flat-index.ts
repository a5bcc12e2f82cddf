import { AppError } from "../errors";
import { OrtScorer, type OrtScorerOptions } from "./ort-scorer";
import { compareScoredRows, selectTopK, type ScoredRow } from "./topk";

/** One search result: the catalog row, its id and the inner product with the query. */
export type IndexHit = { row: number; id: string; score: number };

/** Restrictions evaluated inside the search, so k hits come back whenever k rows qualify. */
export type RowFilter = {
  /** One byte per row; only rows with a non-zero byte can be returned. */
  mask?: Uint8Array;
  /** Rows never returned (e.g. the query item itself). */
  exclude?: readonly number[];
  /** Added to each row's score before ranking (category-aware ranking); hits still report the plain inner product. */
  boost?: Float32Array;
};

export type BatchRowFilter = {
  /** Shared by every query; see RowFilter.mask. */
  mask?: Uint8Array;
  /** Per-query excluded rows: `exclude[q]` applies to query q. */
  exclude?: readonly (readonly number[] | undefined)[];
};

/** What the search layer needs from an index, exact or approximate. */
export interface VectorIndex {
  readonly dim: number;
  readonly count: number;
  readonly ids: readonly string[];
  search(query: Float32Array, k: number, filter?: RowFilter): IndexHit[];
}

// Queries scored together per chunk (bounds the score buffer to QUERY_CHUNK × count floats).
const QUERY_CHUNK = 32;
// Catalog rows per block in the batch kernel: sized so a block stays in a 256 KiB cache
// while every query group streams over it.
const BLOCK_BYTES = 256 * 1024;

/**
 * Exact inner-product search over a row-major Float32 matrix. With L2-normalised
 * rows and queries the score is the cosine similarity.
 */
export class FlatIndex implements VectorIndex {
  readonly dim: number;
  readonly ids: readonly string[];
  readonly vectors: Float32Array;
  private readonly scratch: Float32Array;
  private readonly rowById: Map<string, number>;
  private accelerating?: Promise<boolean>;
  private scorer?: OrtScorer;
  private released = false;

  constructor(dim: number, ids: readonly string[], vectors: Float32Array) {
    if (!Number.isInteger(dim) || dim < 1) throw new AppError("bad_request", `Invalid dimension ${dim}`);
    if (vectors.length !== ids.length * dim) {
      throw new AppError(
        "bad_request",
        `Expected ${ids.length} × ${dim} = ${ids.length * dim} floats, got ${vectors.length}`,
      );
    }
    this.rowById = new Map();
    ids.forEach((id, row) => this.rowById.set(id, row));
    if (this.rowById.size !== ids.length) throw new AppError("bad_request", "Index ids are not unique");
    this.dim = dim;
    this.ids = ids;
    this.vectors = vectors;
    this.scratch = new Float32Array(ids.length);
  }

  get count(): number {
    return this.ids.length;
  }

  /** The row holding `id`, or undefined. */
  rowOf(id: string): number | undefined {
    return this.rowById.get(id);
  }

  /** A zero-copy view of one row's vector. */
  vector(row: number): Float32Array {
    return this.vectors.subarray(row * this.dim, (row + 1) * this.dim);
  }

  /** Inner product of `query` with one row, accumulated exactly as `search` does. */
  score(query: Float32Array, row: number): number {
    return Math.fround(dotRow(query, this.vectors, this.dim, row));
  }

  /** The inner product of `query` with every row, into `out` (a new array by default). */
  scoreAll(query: Float32Array, out = new Float32Array(this.count)): Float32Array {
    checkQuery(query.length, this.dim, 1);
    scoreAllRows(query, this.vectors, this.dim, out);
    return out;
  }

  /** The k rows with the highest inner product, best first (ties: lower row first). */
  search(query: Float32Array, k: number, filter: RowFilter = {}): IndexHit[] {
    checkQuery(query.length, this.dim, 1);
    checkK(k);
    const mask = checkMask(filter.mask, this.count);
    const exclude = checkExclude(filter.exclude, this.count);
    const scores = this.scratch;
    if (mask === undefined) scoreAllRows(query, this.vectors, this.dim, scores);
    else scoreMaskedRows(query, this.vectors, this.dim, scores, mask);
    const boost = filter.boost;
    if (boost === undefined) return this.toHits(selectTopK(scores, k + exclude.length, mask), k, exclude);
    if (boost.length !== this.count) throw new AppError("bad_request", `boost has ${boost.length} entries for ${this.count} rows`);
    for (let row = 0; row < scores.length; row++) scores[row]! += boost[row]!;
    const top = selectTopK(scores, k + exclude.length, mask);
    return this.toHits(top, k, exclude).map((hit) => ({ ...hit, score: this.score(query, hit.row) }));
  }

  /**
   * Builds (once) an onnxruntime scorer over this index's rows for `searchAsync`;
   * resolves false, leaving the JavaScript kernel in charge, if that fails. The rows
   * must not change afterwards.
   */
  prepareAccelerated(options: OrtScorerOptions = {}): Promise<boolean> {
    this.accelerating ??= OrtScorer.create(this.vectors, this.dim, options).then(
      async (scorer) => {
        if (this.released) {
          await scorer.release();
          return false;
        }
        this.scorer = scorer;
        return true;
      },
      (error: unknown) => {
        console.warn("[index] onnxruntime scorer unavailable, searching with the JavaScript kernel:", error);
        return false;
      },
    );
    return this.accelerating;
  }

  /**
   * Drops the onnxruntime scorer (its copy of the matrix) when this index is replaced.
   * The session is released after `graceMs`, so searches already running on it finish.
   */
  releaseAccelerated(graceMs = 10_000): void {
    const scorer = this.scorer;
    this.scorer = undefined;
    this.released = true;
    this.accelerating ??= Promise.resolve(false);
    if (scorer) setTimeout(() => void scorer.release().catch(() => undefined), graceMs).unref();
  }

  /** Whether `searchAsync` runs on the onnxruntime scorer. */
  get accelerated(): boolean {
    return this.scorer !== undefined;
  }

  /**
   * `search` on the onnxruntime scorer once `prepareAccelerated` finished (the
   * JavaScript kernel before). Same filters and tie order; candidates are re-ranked
   * and reported with the JavaScript kernel's scores, so results equal `search`'s
   * except where two scores differ by float rounding alone.
   */
  async searchAsync(query: Float32Array, k: number, filter: RowFilter = {}): Promise<IndexHit[]> {
    const scorer = this.scorer;
    if (!scorer) return this.search(query, k, filter);
    checkQuery(query.length, this.dim, 1);
    checkK(k);
    const mask = checkMask(filter.mask, this.count);
    const exclude = checkExclude(filter.exclude, this.count);
    const boost = filter.boost;
    if (boost !== undefined && boost.length !== this.count) {
      throw new AppError("bad_request", `boost has ${boost.length} entries for ${this.count} rows`);
    }
    const bias = boost ? Float32Array.from(boost) : new Float32Array(this.count);
    if (mask) for (let row = 0; row < bias.length; row++) if (mask[row] === 0) bias[row] = -Infinity;
    const [top = []] = await scorer.topK(query, 1, k + exclude.length, bias);
    const rescored = top.map(({ row }) => {
      const score = this.score(query, row);
      return { row, score, ranked: boost ? Math.fround(score + boost[row]!) : score };
    });
    rescored.sort((a, b) => compareScoredRows({ row: a.row, score: a.ranked }, { row: b.row, score: b.ranked }));
    return this.toHits(rescored, k, exclude);
  }

  /**
   * Searches `nq` queries laid out row-major in `queries`. Faster per query than
   * `search`: each block of catalog rows is loaded once for all queries, and
   * the kernel scores 4 queries × 2 rows per pass. Results equal `search`'s.
   */
  searchBatch(queries: Float32Array, nq: number, k: number, filter: BatchRowFilter = {}): IndexHit[][] {
    checkQuery(queries.length, this.dim, nq);
    checkK(k);
    const mask = checkMask(filter.mask, this.count);
    if (filter.exclude !== undefined && filter.exclude.length !== nq) {
      throw new AppError("bad_request", `exclude has ${filter.exclude.length} entries for ${nq} queries`);
    }
    const n = this.count;
    const chunk = Math.min(QUERY_CHUNK, nq);
    const scores = new Float32Array(chunk * n);
    const out: IndexHit[][] = [];
    for (let q0 = 0; q0 < nq; q0 += chunk) {
      const m = Math.min(chunk, nq - q0);
      const view = queries.subarray(q0 * this.dim, (q0 + m) * this.dim);
      scoreQueryBlock(view, m, this.vectors, this.dim, n, scores);
      for (let j = 0; j < m; j++) {
        const exclude = checkExclude(filter.exclude?.[q0 + j], n);
        const top = selectTopK(scores.subarray(j * n, (j + 1) * n), k + exclude.length, mask);
        out.push(this.toHits(top, k, exclude));
      }
    }
    return out;
  }

  private toHits(top: ScoredRow[], k: number, exclude: readonly number[]): IndexHit[] {
    const hits: IndexHit[] = [];
    for (const { row, score } of top) {
      if (hits.length === k) break;
      if (exclude.length > 0 && exclude.includes(row)) continue;
      hits.push({ row, id: this.ids[row] as string, score });
    }
    return hits;
  }
}

/** Builds a row mask from a predicate over rows (1 = may be returned). */
export function createRowMask(count: number, keep: (row: number) => boolean): Uint8Array {
  const mask = new Uint8Array(count);
  for (let row = 0; row < count; row++) if (keep(row)) mask[row] = 1;
  return mask;
}

/** Number of rows a mask lets through. */
export function countMaskedRows(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (u8(mask, i) !== 0) n++;
  return n;
}

function checkQuery(length: number, dim: number, nq: number): void {
  if (!Number.isInteger(nq) || nq < 0) throw new AppError("bad_request", `Invalid query count ${nq}`);
  if (length !== dim * nq) {
    throw new AppError("bad_request", `Query has ${length} floats, expected ${nq} × ${dim}`);
  }
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new AppError("bad_request", `k must be a positive integer, got ${k}`);
}

function checkMask(mask: Uint8Array | undefined, count: number): Uint8Array | undefined {
  if (mask !== undefined && mask.length !== count) {
    throw new AppError("bad_request", `Mask has ${mask.length} entries for ${count} rows`);
  }
  return mask;
}

/** Validates excluded rows and drops duplicates (each one reserves an extra top-k slot). */
export function checkExclude(exclude: readonly number[] | undefined, count: number): readonly number[] {
  if (exclude === undefined || exclude.length === 0) return [];
  for (const row of exclude) {
    if (!Number.isInteger(row) || row < 0 || row >= count) {
      throw new AppError("bad_request", `Excluded row ${row} is outside 0..${count - 1}`);
    }
  }
  return exclude.length === 1 ? exclude : [...new Set(exclude)];
}

// ---- kernels --------------------------------------------------------------
// Every kernel accumulates each (query, row) pair in one float64 sum in index
// order, so single, masked and batch paths give bit-identical scores. The speed
// comes from sharing loads across pairs (one query value feeds 4 rows, or one
// row value feeds 4 queries), not from splitting a sum.

function dotRow(q: Float32Array, v: Float32Array, dim: number, row: number): number {
  const base = row * dim;
  let acc = 0;
  for (let i = 0; i < dim; i++) acc += f32(q, i) * f32(v, base + i);
  return acc;
}

function scoreFourRows(
  q: Float32Array, v: Float32Array, dim: number, out: Float32Array,
  r0: number, r1: number, r2: number, r3: number,
): void {
  const b0 = r0 * dim, b1 = r1 * dim, b2 = r2 * dim, b3 = r3 * dim;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (let i = 0; i < dim; i++) {
    const x = f32(q, i);
    a0 += x * f32(v, b0 + i);
    a1 += x * f32(v, b1 + i);
    a2 += x * f32(v, b2 + i);
    a3 += x * f32(v, b3 + i);
  }
  out[r0] = a0;
  out[r1] = a1;
  out[r2] = a2;
  out[r3] = a3;
}

function scoreAllRows(q: Float32Array, v: Float32Array, dim: number, out: Float32Array): void {
  const n = out.length;
  let r = 0;
  for (; r + 3 < n; r += 4) scoreFourRows(q, v, dim, out, r, r + 1, r + 2, r + 3);
  for (; r < n; r++) out[r] = dotRow(q, v, dim, r);
}

/** Scores only rows the mask lets through, 4 at a time; other entries of `out` are left stale. */
function scoreMaskedRows(q: Float32Array, v: Float32Array, dim: number, out: Float32Array, mask: Uint8Array): void {
  const n = out.length;
  let p0 = -1, p1 = -1, p2 = -1;
  let pending = 0;
  for (let r = 0; r < n; r++) {
    if (u8(mask, r) === 0) continue;
    if (pending === 0) p0 = r;
    else if (pending === 1) p1 = r;
    else if (pending === 2) p2 = r;
    else {
      scoreFourRows(q, v, dim, out, p0, p1, p2, r);
      pending = 0;
      continue;
    }
    pending++;
  }
  if (pending > 0) out[p0] = dotRow(q, v, dim, p0);
  if (pending > 1) out[p1] = dotRow(q, v, dim, p1);
  if (pending > 2) out[p2] = dotRow(q, v, dim, p2);
}

/** Fills out[j * n + r] = queries_j · v_r for m queries and n rows, block by block. */
function scoreQueryBlock(
  queries: Float32Array, m: number, v: Float32Array, dim: number, n: number, out: Float32Array,
): void {
  const block = Math.max(8, Math.floor(BLOCK_BYTES / (dim * 4)) & ~1);
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block);
    let j = 0;
    for (; j + 3 < m; j += 4) scoreFourQueries(queries, j, v, dim, n, r0, r1, out);
    for (; j < m; j++) {
      const q = queries.subarray(j * dim, (j + 1) * dim);
      const row = out.subarray(j * n, (j + 1) * n);
      for (let r = r0; r < r1; r++) row[r] = dotRow(q, v, dim, r);
    }
  }
}

/** Queries j..j+3 against rows r0..r1-1, two rows per pass (8 independent sums). */
function scoreFourQueries(
  qs: Float32Array, j: number, v: Float32Array, dim: number, n: number, r0: number, r1: number, out: Float32Array,
): void {
  const q0 = j * dim, q1 = q0 + dim, q2 = q1 + dim, q3 = q2 + dim;
  const o0 = j * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
  let r = r0;
  for (; r + 1 < r1; r += 2) {
    const b = r * dim, c = b + dim;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    for (let i = 0; i < dim; i++) {
      const x = f32(v, b + i), y = f32(v, c + i);
      const e0 = f32(qs, q0 + i), e1 = f32(qs, q1 + i), e2 = f32(qs, q2 + i), e3 = f32(qs, q3 + i);
      a0 += e0 * x; a1 += e1 * x; a2 += e2 * x; a3 += e3 * x;
      d0 += e0 * y; d1 += e1 * y; d2 += e2 * y; d3 += e3 * y;
    }
    out[o0 + r] = a0; out[o1 + r] = a1; out[o2 + r] = a2; out[o3 + r] = a3;
    out[o0 + r + 1] = d0; out[o1 + r + 1] = d1; out[o2 + r + 1] = d2; out[o3 + r + 1] = d3;
  }
  if (r < r1) {
    for (let t = 0; t < 4; t++) {
      const q = qs.subarray((j + t) * dim, (j + t + 1) * dim);
      out[(j + t) * n + r] = dotRow(q, v, dim, r);
    }
  }
}

// Typed element reads for hot loops (bounds are guaranteed by the callers).
function f32(a: Float32Array, i: number): number {
  return a[i] as number;
}
function u8(a: Uint8Array, i: number): number {
  return a[i] as number;
}

import { AppError } from "../errors";
import { AcceleratedScorer } from "./accelerated-scorer";
import type { OrtScorerOptions } from "./ort-scorer";
import { dotRow, scoreAllRows, scoreMaskedRows, scoreQueryBlock } from "./score-kernels";
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

// Queries scored together per chunk (bounds the score buffer to QUERY_CHUNK × count floats).
const QUERY_CHUNK = 32;

/**
 * Extra candidates (at least k) an approximate (int8) scorer returns for exact rescoring; with
 * them the served top 10 equalled the fp32 scan's for every query measured (docs/decisions/0021).
 */
export const APPROXIMATE_MARGIN = 32;

/**
 * Exact inner-product search over a row-major Float32 matrix. With L2-normalised
 * rows and queries the score is the cosine similarity.
 */
export class FlatIndex {
  readonly dim: number;
  readonly ids: readonly string[];
  readonly vectors: Float32Array;
  private readonly scratch: Float32Array;
  private readonly rowById: Map<string, number>;
  private readonly accelerator: AcceleratedScorer;

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
    this.accelerator = new AcceleratedScorer(vectors, dim);
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
    const boost = checkBoost(filter.boost, this.count);
    if (boost === undefined) return this.toHits(selectTopK(scores, k + exclude.length, mask), k, exclude);
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
    return this.accelerator.prepare(options);
  }

  /**
   * Drops the onnxruntime scorer (its copy of the matrix) when this index is replaced.
   * The session is released after `graceMs`, so searches already running on it finish.
   */
  releaseAccelerated(graceMs = 10_000): void {
    this.accelerator.release(graceMs);
  }

  /** Whether `searchAsync` runs on the onnxruntime scorer. */
  get accelerated(): boolean {
    return this.accelerator.current !== undefined;
  }

  /**
   * `search` on the onnxruntime scorer once `prepareAccelerated` finished (the
   * JavaScript kernel before). Same filters and tie order; candidates are re-ranked
   * and reported with the JavaScript kernel's scores, so results equal `search`'s
   * except where two scores differ by float rounding alone — and, on an int8 scorer,
   * where a true top-k row fell outside its k + margin candidates (recall measured by
   * `npm run bench -- --only served`).
   */
  async searchAsync(query: Float32Array, k: number, filter: RowFilter = {}): Promise<IndexHit[]> {
    const scorer = this.accelerator.current;
    if (!scorer) return this.search(query, k, filter);
    checkQuery(query.length, this.dim, 1);
    checkK(k);
    const mask = checkMask(filter.mask, this.count);
    const exclude = checkExclude(filter.exclude, this.count);
    const boost = checkBoost(filter.boost, this.count);
    const bias = boost ? Float32Array.from(boost) : new Float32Array(this.count);
    if (mask) for (let row = 0; row < bias.length; row++) if (mask[row] === 0) bias[row] = -Infinity;
    // An int8 scorer's order is approximate: a wider list, rescored exactly below, holds the true top k.
    const wanted = k + exclude.length + (scorer.approximate ? Math.max(k, APPROXIMATE_MARGIN) : 0);
    const [top = []] = await scorer.topK(query, 1, wanted, bias);
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
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
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

function checkBoost(boost: Float32Array | undefined, count: number): Float32Array | undefined {
  if (boost !== undefined && boost.length !== count) {
    throw new AppError("bad_request", `boost has ${boost.length} entries for ${count} rows`);
  }
  return boost;
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

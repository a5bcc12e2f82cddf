import { AppError } from "../errors";

/**
 * Top-k selection with a bounded min-heap. The heap's root is the worst kept
 * entry (lowest score; among equal scores the highest row), so each candidate
 * costs one comparison against the root and only winners pay O(log k).
 * Ties always go to the lower row so results are deterministic.
 */

export type ScoredRow = { row: number; score: number };

/** A bounded collection of the k best (row, score) pairs seen so far. */
export class TopK {
  readonly k: number;
  private readonly rows: Int32Array;
  private readonly scores: Float64Array;
  private length = 0;

  constructor(k: number) {
    if (!Number.isInteger(k) || k < 0) throw new AppError("bad_request", `k must be a non-negative integer, got ${k}`);
    this.k = k;
    this.rows = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  get size(): number {
    return this.length;
  }

  get isFull(): boolean {
    return this.length === this.k;
  }

  /** Score of the worst kept entry; -Infinity until the heap is full, so anything finite gets in. */
  get threshold(): number {
    return this.length === this.k && this.k > 0 ? f64(this.scores, 0) : -Infinity;
  }

  /** Offers a candidate in any order; NaN scores are ignored. */
  push(row: number, score: number): void {
    if (score !== score || this.k === 0) return;
    if (this.length < this.k) {
      this.siftUp(this.length++, row, score);
      return;
    }
    const rootScore = f64(this.scores, 0);
    if (score > rootScore || (score === rootScore && row < i32(this.rows, 0))) {
      this.siftDown(row, score);
    }
  }

  /** The kept entries, best first (score desc, row asc). Leaves the heap unchanged. */
  toSorted(): ScoredRow[] {
    const out: ScoredRow[] = [];
    for (let i = 0; i < this.length; i++) out.push({ row: i32(this.rows, i), score: f64(this.scores, i) });
    return out.sort(compareScoredRows);
  }

  private siftUp(at: number, row: number, score: number): void {
    const rows = this.rows;
    const scores = this.scores;
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const ps = f64(scores, parent);
      const pr = i32(rows, parent);
      // Stop once the parent is at least as bad as the new entry.
      if (ps < score || (ps === score && pr > row)) break;
      rows[i] = pr;
      scores[i] = ps;
      i = parent;
    }
    rows[i] = row;
    scores[i] = score;
  }

  /** Replaces the root with (row, score) and restores the heap. */
  private siftDown(row: number, score: number): void {
    const rows = this.rows;
    const scores = this.scores;
    const n = this.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let child = left;
      let cs = f64(scores, left);
      let cr = i32(rows, left);
      const right = left + 1;
      if (right < n) {
        const rs = f64(scores, right);
        const rr = i32(rows, right);
        if (rs < cs || (rs === cs && rr > cr)) {
          child = right;
          cs = rs;
          cr = rr;
        }
      }
      // The worse child moves up only if it is worse than the entry being placed.
      if (cs > score || (cs === score && cr < row)) break;
      rows[i] = cr;
      scores[i] = cs;
      i = child;
    }
    rows[i] = row;
    scores[i] = score;
  }
}

/** Orders scored rows best first: score descending, then row ascending. */
export function compareScoredRows(a: ScoredRow, b: ScoredRow): number {
  return b.score - a.score || a.row - b.row;
}

/**
 * Selects the k best rows of `scores` (score desc, row asc on ties). With a mask
 * only rows whose mask byte is non-zero compete. NaN and -Infinity never win.
 */
export function selectTopK(scores: Float32Array, k: number, mask?: Uint8Array): ScoredRow[] {
  const heap = new TopK(k);
  if (k === 0) return [];
  const n = scores.length;
  // Rows arrive in ascending order, so an equal score never beats a kept row:
  // a strict `>` against the root is the whole admission test.
  let threshold = -Infinity;
  if (mask === undefined) {
    for (let row = 0; row < n; row++) {
      const s = f32(scores, row);
      if (s > threshold) {
        heap.push(row, s);
        if (heap.isFull) threshold = heap.threshold;
      }
    }
  } else {
    for (let row = 0; row < n; row++) {
      if (u8(mask, row) === 0) continue;
      const s = f32(scores, row);
      if (s > threshold) {
        heap.push(row, s);
        if (heap.isFull) threshold = heap.threshold;
      }
    }
  }
  return heap.toSorted();
}

// Typed element reads: with noUncheckedIndexedAccess an index read is `number | undefined`;
// callers guarantee bounds, and V8 inlines these one-liners.
function f32(a: Float32Array, i: number): number {
  return a[i] as number;
}
function f64(a: Float64Array, i: number): number {
  return a[i] as number;
}
function i32(a: Int32Array, i: number): number {
  return a[i] as number;
}
function u8(a: Uint8Array, i: number): number {
  return a[i] as number;
}

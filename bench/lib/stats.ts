import { computePercentile } from "../../lib/metrics/retrieval";

/** Median of a list (mean of the two middle values for even lengths); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (the same definition as the eval reports use). */
export function percentile(values: readonly number[], p: number): number {
  return computePercentile(values, p);
}

/**
 * Mean recall@k of approximate results against exact ones: for each query, the
 * share of the exact top k found in the approximate top k (order ignored).
 */
export function recallAtK(approx: readonly (readonly number[])[], exact: readonly (readonly number[])[], k: number): number {
  if (approx.length !== exact.length) throw new Error(`recallAtK: ${approx.length} approximate lists for ${exact.length} exact ones`);
  if (exact.length === 0) return Number.NaN;
  let found = 0;
  let total = 0;
  for (let q = 0; q < exact.length; q++) {
    const truth = new Set(exact[q]!.slice(0, k));
    for (const row of approx[q]!.slice(0, k)) if (truth.has(row)) found++;
    total += truth.size;
  }
  return total === 0 ? Number.NaN : found / total;
}

/** Share of queries whose top-k lists are identical: same rows in the same order, and same rows in any order. */
export function compareTopK(
  ours: readonly (readonly number[])[],
  theirs: readonly (readonly number[])[],
  k: number,
): { sameOrder: number; sameSet: number; queries: number } {
  if (ours.length !== theirs.length) throw new Error(`compareTopK: ${ours.length} lists vs ${theirs.length}`);
  let sameOrder = 0;
  let sameSet = 0;
  for (let q = 0; q < ours.length; q++) {
    const a = ours[q]!.slice(0, k);
    const b = theirs[q]!.slice(0, k);
    if (a.length === b.length && a.every((row, i) => row === b[i])) sameOrder++;
    const set = new Set(b);
    if (a.length === b.length && a.every((row) => set.has(row))) sameSet++;
  }
  const n = Math.max(ours.length, 1);
  return { sameOrder: sameOrder / n, sameSet: sameSet / n, queries: ours.length };
}

export type Comparator = "<=" | ">=";

/** A target is met when the measured value satisfies it; null when nothing could be measured. */
export function isTargetMet(measured: number | null, comparator: Comparator, threshold: number): boolean | null {
  if (measured === null || !Number.isFinite(measured)) return null;
  return comparator === "<=" ? measured <= threshold : measured >= threshold;
}

/** ours / anchor, or null when either side is missing or the anchor is zero. */
export function ratio(ours: number | null, anchor: number | null): number | null {
  if (ours === null || anchor === null || !Number.isFinite(ours) || !Number.isFinite(anchor) || anchor === 0) return null;
  return ours / anchor;
}

/** Runs `fn` `repeats` times and returns each run's milliseconds. */
export async function timeRepeats(repeats: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * Share of queries whose two top-k lists agree position by position up to ties:
 * wherever the rows differ, their scores (by `scoreOf`) differ by at most `tolerance`.
 * Exact indexes may order equal-scored rows (duplicate photos) differently.
 */
export function sameOrderUpToTies(
  ours: readonly (readonly number[])[],
  theirs: readonly (readonly number[])[],
  scoreOf: (query: number, row: number) => number,
  tolerance = 1e-6,
): number {
  if (ours.length !== theirs.length) throw new Error(`sameOrderUpToTies: ${ours.length} lists vs ${theirs.length}`);
  if (ours.length === 0) return Number.NaN;
  let same = 0;
  for (let q = 0; q < ours.length; q++) {
    const a = ours[q]!;
    const b = theirs[q]!;
    if (a.length === b.length && a.every((row, i) => row === b[i] || Math.abs(scoreOf(q, row) - scoreOf(q, b[i]!)) <= tolerance)) same++;
  }
  return same / ours.length;
}

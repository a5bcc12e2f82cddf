import { AppError } from "../errors";

/**
 * Retrieval metrics over ranked lists. Each query comes with one relevance flag
 * per ranked result (the query item already excluded; what counts as relevant is
 * the protocol's choice, see relevance.ts) and the label it is reported under.
 *
 * - P@K: relevant results in the top K divided by K (a list shorter than K counts
 *   the missing places as not relevant).
 * - RR: 1 / rank of the first relevant result anywhere in the list, 0 if none.
 * - AP@K: the mean of the precision at each rank within the top K that holds a
 *   relevant item, 0 if the top K holds none. (The denominator is the number of
 *   relevant items retrieved in the top K, not the number in the catalog.)
 * - MRR and mAP@10 are the means of RR and AP@10 over queries.
 */

export type RankedQuery = {
  /** The query's label: per-label results are grouped by it. */
  label: string;
  /** Whether each ranked result is relevant to the query, best first, without the query itself. */
  relevant: readonly boolean[];
};

export type RetrievalMetrics = {
  queries: number;
  pAt1: number;
  pAt5: number;
  pAt10: number;
  mrr: number;
  mapAt10: number;
};

export type LabelMetrics = {
  label: string;
  /** Number of queries with this label. */
  queries: number;
  pAt5: number;
};

export type RetrievalEvaluation = {
  overall: RetrievalMetrics;
  /** One entry per query label, sorted by label. */
  perLabel: LabelMetrics[];
};

export type LatencySummary = {
  count: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
};

/** Fraction of the top k results that are relevant. */
export function computePrecisionAtK(relevant: readonly boolean[], k: number): number {
  checkK(k);
  let hits = 0;
  const end = Math.min(k, relevant.length);
  for (let i = 0; i < end; i++) if (relevant[i]) hits++;
  return hits / k;
}

/** 1 / rank of the first relevant result, 0 when none is. */
export function computeReciprocalRank(relevant: readonly boolean[]): number {
  const at = relevant.indexOf(true);
  return at < 0 ? 0 : 1 / (at + 1);
}

/** Mean precision at the ranks within the top k that hold a relevant result; 0 when none does. */
export function computeAveragePrecisionAtK(relevant: readonly boolean[], k: number): number {
  checkK(k);
  let hits = 0;
  let sum = 0;
  const end = Math.min(k, relevant.length);
  for (let i = 0; i < end; i++) {
    if (!relevant[i]) continue;
    hits++;
    sum += hits / (i + 1);
  }
  return hits === 0 ? 0 : sum / hits;
}

/** Aggregates the protocol over all queries: P@1/5/10, MRR, mAP@10 and per-label P@5. */
export function evaluateRetrieval(queries: readonly RankedQuery[]): RetrievalEvaluation {
  const totals = { pAt1: 0, pAt5: 0, pAt10: 0, mrr: 0, mapAt10: 0 };
  const byLabel = new Map<string, { queries: number; pAt5: number }>();
  for (const { label, relevant } of queries) {
    const p5 = computePrecisionAtK(relevant, 5);
    totals.pAt1 += computePrecisionAtK(relevant, 1);
    totals.pAt5 += p5;
    totals.pAt10 += computePrecisionAtK(relevant, 10);
    totals.mrr += computeReciprocalRank(relevant);
    totals.mapAt10 += computeAveragePrecisionAtK(relevant, 10);
    const entry = byLabel.get(label) ?? { queries: 0, pAt5: 0 };
    entry.queries++;
    entry.pAt5 += p5;
    byLabel.set(label, entry);
  }
  const n = queries.length;
  const mean = (sum: number) => (n === 0 ? 0 : sum / n);
  const perLabel = [...byLabel.entries()]
    .map(([label, e]) => ({ label, queries: e.queries, pAt5: e.pAt5 / e.queries }))
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return {
    overall: {
      queries: n,
      pAt1: mean(totals.pAt1),
      pAt5: mean(totals.pAt5),
      pAt10: mean(totals.pAt10),
      mrr: mean(totals.mrr),
      mapAt10: mean(totals.mapAt10),
    },
    perLabel,
  };
}

/**
 * The p-th percentile (0 < p ≤ 100) by nearest rank: the smallest value with at
 * least p% of the values at or below it, i.e. sorted[ceil(p/100 · n) − 1].
 * Always an observed value; NaN for an empty list.
 */
export function computePercentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new AppError("bad_request", `Percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] as number;
}

/** Count, nearest-rank p50/p95, mean and max of latencies (same unit as the input); NaNs when empty. */
export function summarizeLatency(ms: readonly number[]): LatencySummary {
  let sum = 0;
  let max = Number.NaN;
  for (const x of ms) {
    sum += x;
    if (!(x <= max)) max = x;
  }
  return {
    count: ms.length,
    p50: computePercentile(ms, 50),
    p95: computePercentile(ms, 95),
    mean: ms.length === 0 ? Number.NaN : sum / ms.length,
    max,
  };
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new AppError("bad_request", `k must be a positive integer, got ${k}`);
}

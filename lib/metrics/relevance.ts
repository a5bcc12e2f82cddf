/**
 * What makes a ranked result relevant to its query under an evaluation protocol.
 * Metrics only see the flags it yields, so a protocol can judge by label, by
 * attributes or by identity without touching lib/metrics/retrieval.ts.
 */
export type Relevance<T> = {
  /** Shown with the report's facts, e.g. "same articleType". */
  description: string;
  isRelevant(query: T, result: T): boolean;
};

/** The reference protocol's relevance: the result carries the query's label (a value of `labelColumn`). */
export function createSameLabelRelevance(labelColumn: string): Relevance<{ label: string }> {
  return { description: `same ${labelColumn}`, isRelevant: (query, result) => result.label === query.label };
}

/** The relevance flag of each ranked result, best first. */
export function judgeResults<T>(relevance: Relevance<T>, query: T, results: readonly T[]): boolean[] {
  return results.map((result) => relevance.isRelevant(query, result));
}

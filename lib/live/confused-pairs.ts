import type { CatalogItem } from "../catalog/types";
import type { Suspect } from "./mislabel-suspects";

/** Two categories the served model mixes up in the catalog, and the products it mixes. */
export type ConfusedPair = {
  /** The two labels, in name order. */
  labels: [string, string];
  /** Items of either label the model places in the other. */
  count: number;
  /** Of those, filed under labels[0] but placed in labels[1], and the other way round. */
  aToB: number;
  bToA: number;
  /** count over the items the two labels hold together. */
  share: number;
  /** Up to 5 of them, most suspicious first. */
  examples: string[];
};

/**
 * The category pairs the served model confuses most in the catalog: every ranked suspect
 * (rankSuspects, best first: its evidence favours the suggested label) counts for the pair
 * {label, suggested}; pairs ordered by count.
 */
export function findConfusedPairs(items: readonly CatalogItem[], suspects: readonly Suspect[], limit = 20): ConfusedPair[] {
  const sizes = new Map<string, number>();
  for (const item of items) sizes.set(item.label, (sizes.get(item.label) ?? 0) + 1);
  const pairs = new Map<string, ConfusedPair>();
  for (const suspect of suspects) {
    const labels = [suspect.label, suspect.suggested].sort() as [string, string];
    const key = JSON.stringify(labels);
    const pair = pairs.get(key) ?? { labels, count: 0, aToB: 0, bToA: 0, share: 0, examples: [] };
    pair.count++;
    if (suspect.label === labels[0]) pair.aToB++;
    else pair.bToA++;
    if (pair.examples.length < 5) pair.examples.push(suspect.id);
    pairs.set(key, pair);
  }
  for (const pair of pairs.values()) pair.share = pair.count / ((sizes.get(pair.labels[0]) ?? 0) + (sizes.get(pair.labels[1]) ?? 0) || 1);
  return [...pairs.values()].sort((a, b) => b.count - a.count || b.share - a.share).slice(0, limit);
}

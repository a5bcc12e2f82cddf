import type { StoreHit } from "../vector-store/types";

/**
 * One scan per photo search: the served ranking needs the plain neighbours (the category
 * vote), the category-aware top k and the strongest plain matches (kept on the page). When
 * the search is unrestricted (no filter, words, exclusion or feedback), all three come from
 * one plain top-N list of the whole catalog, whenever that list provably holds them.
 */

/** How many plain candidates an unrestricted search asks for (at least what the page needs). */
export const PLAIN_CANDIDATES = 64;

/**
 * The category-aware top `k` — ranked by `cosine + boost[label]` exactly as the store ranks
 * (float32 sums; ties in plain order) — taken from `plain`, the best `plain.length` rows by
 * cosine, best first. Every row outside the list has cosine ≤ the list's last, so none can
 * beat a k-th candidate whose boosted score exceeds that cosine plus the largest boost.
 * Returns undefined when the list cannot prove its answer (the caller then runs the boosted
 * scan); `complete`: the list holds every row the search could return, so it always can.
 */
export function boostedFromPlain(
  plain: readonly StoreHit[],
  k: number,
  boost: Readonly<Record<string, number>>,
  complete: boolean,
): StoreHit[] | undefined {
  const boostOf = (label: string) => Math.fround(boost[label] ?? 0);
  const ranked = plain
    .map((hit, order) => ({ hit, order, ranked: Math.fround(hit.score + boostOf(hit.item.label)) }))
    .sort((a, b) => b.ranked - a.ranked || a.order - b.order)
    .slice(0, k);
  if (!complete) {
    const last = plain.at(-1);
    if (!last || ranked.length < k) return undefined;
    const largest = Math.max(0, ...Object.values(boost).map((b) => Math.fround(b)));
    // Strict: a row outside the list that ties the k-th could take its place by row order.
    if (!(ranked[k - 1]!.ranked > Math.fround(last.score + largest))) return undefined;
  }
  return ranked.map((r) => r.hit);
}

import type { StoredEntry, StoreHit } from "../vector-store/types";

/** Default cosine at which two products count as near-identical (see docs/decisions/0008-living-catalog.md). */
export const DEFAULT_DUPLICATE_COSINE = 0.97;

/**
 * Keeps hits in rank order, skipping any whose cosine to an already kept hit is at
 * least `threshold`, until k are kept. Vectors are fetched per hit through `getEntry`.
 */
export async function collapseHits(
  hits: readonly StoreHit[],
  k: number,
  threshold: number,
  getEntry: (id: string) => Promise<StoredEntry | undefined>,
): Promise<StoreHit[]> {
  const kept: { hit: StoreHit; vector: Float32Array }[] = [];
  for (const hit of hits) {
    if (kept.length === k) break;
    const entry = await getEntry(hit.item.id);
    if (!entry) continue;
    if (kept.some((other) => cosine(other.vector, entry.vector) >= threshold)) continue;
    kept.push({ hit, vector: entry.vector });
  }
  return kept.map(({ hit }) => hit);
}

/** Inner product of two L2-normalised vectors (their cosine similarity). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += a[i]! * b[i]!;
  return acc;
}

/**
 * A search with near-identical products collapsed that returns k results whenever k
 * distinct ones exist: fetches 4k candidates, and while fewer than k survive and the
 * store had more to give, fetches 4 times as many again (a long run of copies of one
 * design would otherwise leave fewer than k).
 */
export async function searchCollapsed(
  search: (k: number) => Promise<StoreHit[]>,
  k: number,
  threshold: number,
  getEntry: (id: string) => Promise<StoredEntry | undefined>,
): Promise<StoreHit[]> {
  for (let fetch = k * 4; ; fetch *= 4) {
    const candidates = await search(fetch);
    const kept = await collapseHits(candidates, k, threshold, getEntry);
    if (kept.length >= k || candidates.length < fetch) return kept;
  }
}

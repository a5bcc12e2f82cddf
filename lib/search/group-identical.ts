import type { SearchHit } from "./types";

/** A result and the other results with the very same photo (same content hash), in rank order. */
export type HitGroup = { hit: SearchHit; copies: SearchHit[] };

/**
 * Folds results that share a photo into the first of them, keeping rank order, and
 * returns the first `k` groups (the page fetches more than k so k distinct photos show).
 */
export function groupIdenticalPhotos(hits: readonly SearchHit[], k: number): HitGroup[] {
  const groups: HitGroup[] = [];
  const byHash = new Map<string, HitGroup>();
  for (const hit of hits) {
    const group = byHash.get(hit.item.imageHash);
    if (group) {
      group.copies.push(hit);
      continue;
    }
    if (groups.length === k) continue;
    const created = { hit, copies: [] };
    byHash.set(hit.item.imageHash, created);
    groups.push(created);
  }
  return groups;
}

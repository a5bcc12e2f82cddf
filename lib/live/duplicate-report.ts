import type { CatalogItem } from "../catalog/types";
import { FlatIndex } from "../index/flat-index";

export type DuplicateGroup = {
  /** Ids of the group, in catalog order. */
  ids: string[];
  /** Highest cosine between two members. */
  maxScore: number;
  /** True when all members share one photo file (byte-identical images). */
  samePhoto: boolean;
};

export type DuplicatePair = { a: string; b: string; score: number; samePhoto: boolean };

export type DuplicateReport = {
  version: 1;
  createdAt: string;
  threshold: number;
  items: number;
  /** Number of pairs with cosine ≥ threshold. */
  pairCount: number;
  /** Those pairs, best first (each found among its members' nearest neighbours). */
  pairs: DuplicatePair[];
  /** Connected groups of such pairs (single linkage: chains join), largest first. */
  groups: DuplicateGroup[];
  /** Items that are in some group. */
  itemsInGroups: number;
  seconds: number;
};

/** Neighbours examined per item: a group larger than this is still found through its chains. */
const NEIGHBOURS = 8;
const BATCH = 256;

/**
 * Finds near-duplicate products across a catalog: every item's nearest neighbours
 * (exact, batched), pairs with cosine ≥ threshold, grouped by union-find.
 */
export function findDuplicateGroups(
  items: readonly CatalogItem[],
  vectors: Float32Array,
  dim: number,
  threshold: number,
  onProgress?: (done: number) => void,
): DuplicateReport {
  const started = performance.now();
  const index = new FlatIndex(dim, items.map((item) => item.id), vectors);
  const parent = Int32Array.from(items, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const best = new Map<number, number>();
  const pairs = new Map<number, DuplicatePair>();
  for (let q0 = 0; q0 < items.length; q0 += BATCH) {
    const nq = Math.min(BATCH, items.length - q0);
    const exclude = Array.from({ length: nq }, (_, j) => [q0 + j]);
    const results = index.searchBatch(vectors.subarray(q0 * dim, (q0 + nq) * dim), nq, Math.min(NEIGHBOURS, Math.max(1, items.length - 1)), { exclude });
    results.forEach((hits, j) => {
      const a = q0 + j;
      for (const hit of hits) {
        if (hit.score < threshold) break;
        const [lo, hi] = a < hit.row ? [a, hit.row] : [hit.row, a];
        const x = items[lo]!;
        const y = items[hi]!;
        pairs.set(lo * items.length + hi, { a: x.id, b: y.id, score: hit.score, samePhoto: x.imageHash === y.imageHash });
        const ra = find(a);
        const rb = find(hit.row);
        const score = Math.max(best.get(ra) ?? -1, best.get(rb) ?? -1, hit.score);
        if (ra !== rb) parent[rb] = ra;
        best.set(find(a), score);
      }
    });
    onProgress?.(q0 + nq);
  }
  const members = new Map<number, number[]>();
  items.forEach((_, i) => {
    const root = find(i);
    const list = members.get(root) ?? [];
    list.push(i);
    members.set(root, list);
  });
  const groups: DuplicateGroup[] = [];
  for (const [root, rows] of members) {
    if (rows.length < 2) continue;
    const hashes = new Set(rows.map((row) => items[row]!.imageHash));
    groups.push({ ids: rows.map((row) => items[row]!.id), maxScore: best.get(root) ?? threshold, samePhoto: hashes.size === 1 });
  }
  groups.sort((a, b) => b.ids.length - a.ids.length || b.maxScore - a.maxScore);
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    threshold,
    items: items.length,
    pairCount: pairs.size,
    pairs: [...pairs.values()].sort((p, q) => q.score - p.score),
    groups,
    itemsInGroups: groups.reduce((n, g) => n + g.ids.length, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

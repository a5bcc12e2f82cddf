import type { CatalogItem } from "../catalog/types";
import { FlatIndex } from "../index/flat-index";
import type { NeighbourGraph } from "./neighbour-graph";

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
export const DUPLICATE_NEIGHBOURS = 8;
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
  const groups = collectDuplicates(items, threshold);
  for (let q0 = 0; q0 < items.length; q0 += BATCH) {
    const nq = Math.min(BATCH, items.length - q0);
    const exclude = Array.from({ length: nq }, (_, j) => [q0 + j]);
    const results = index.searchBatch(vectors.subarray(q0 * dim, (q0 + nq) * dim), nq, Math.min(DUPLICATE_NEIGHBOURS, Math.max(1, items.length - 1)), { exclude });
    results.forEach((hits, j) => groups.add(q0 + j, hits));
    onProgress?.(q0 + nq);
  }
  return groups.finish(started);
}

/**
 * The same report from a neighbour graph computed already (lib/live/neighbour-graph.ts, at
 * least DUPLICATE_NEIGHBOURS per item): the same pairs and groups as findDuplicateGroups.
 */
export function findDuplicateGroupsInGraph(items: readonly CatalogItem[], graph: NeighbourGraph, threshold: number): DuplicateReport {
  const started = performance.now();
  const groups = collectDuplicates(items, threshold);
  const take = Math.min(DUPLICATE_NEIGHBOURS, graph.k);
  for (let a = 0; a < graph.n; a++) {
    const hits: { row: number; score: number }[] = [];
    for (let slot = 0; slot < take; slot++) {
      const row = graph.rows[a * graph.k + slot]!;
      if (row >= 0) hits.push({ row, score: graph.scores[a * graph.k + slot]! });
    }
    groups.add(a, hits);
  }
  return groups.finish(started);
}

/** The one pairing and grouping rule: each item's neighbours (best first) in, union-find groups out. */
function collectDuplicates(items: readonly CatalogItem[], threshold: number) {
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
  const add = (a: number, hits: readonly { row: number; score: number }[]): void => {
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
  };
  const finish = (started: number): DuplicateReport => {
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
  };
  return { add, finish };
}

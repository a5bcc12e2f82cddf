import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import type { StoredEntry, StoreHit } from "../vector-store/types";
import { searchCollapsed } from "./collapse";

/** `copies` products with one same vector ranked first, then `distinct` products with orthogonal ones. */
function catalog(copies: number, distinct: number): StoredEntry[] {
  const dim = distinct + 1;
  const basis = (i: number) => Float32Array.from({ length: dim }, (_, j) => (j === i ? 1 : 0));
  const entry = (id: string, vector: Float32Array): StoredEntry => ({ item: { id } as CatalogItem, vector });
  return [
    ...Array.from({ length: copies }, (_, i) => entry(`copy-${i}`, basis(0))),
    ...Array.from({ length: distinct }, (_, i) => entry(`other-${i}`, basis(i + 1))),
  ];
}

function over(entries: StoredEntry[]) {
  const searched: number[] = [];
  return {
    searched,
    search: async (k: number): Promise<StoreHit[]> => {
      searched.push(k);
      return entries.slice(0, k).map((e, rank) => ({ item: e.item, score: 1 - rank / 1000 }));
    },
    getEntry: async (id: string) => entries.find((e) => e.item.id === id),
  };
}

describe("searchCollapsed", () => {
  it("returns k results when a run of copies longer than the first over-fetch ranks first", async () => {
    const store = over(catalog(20, 5));
    const hits = await searchCollapsed(store.search, 3, 0.97, store.getEntry);
    expect(hits.map((h) => h.item.id)).toEqual(["copy-0", "other-0", "other-1"]);
    expect(store.searched).toEqual([12, 48]);
  });

  it("returns what exists when the catalog has fewer than k distinct products", async () => {
    const store = over(catalog(20, 1));
    const hits = await searchCollapsed(store.search, 3, 0.97, store.getEntry);
    expect(hits.map((h) => h.item.id)).toEqual(["copy-0", "other-0"]);
    expect(store.searched).toEqual([12, 48]);
  });
});

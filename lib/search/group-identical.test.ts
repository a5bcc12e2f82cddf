import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { groupIdenticalPhotos } from "./group-identical";
import type { SearchHit } from "./types";

const hit = (id: string, imageHash: string, quality: number) =>
  ({ item: { id, imageHash } as CatalogItem, score: quality, rankingScore: quality, quality, band: "good" }) as SearchHit;

describe("groupIdenticalPhotos", () => {
  const hits = [hit("a", "h1", 0.9), hit("b", "h2", 0.8), hit("c", "h1", 0.8), hit("d", "h3", 0.7), hit("e", "h1", 0.6), hit("f", "h4", 0.5)];

  it("folds later copies of a photo into its first result, still k distinct photos", () => {
    const groups = groupIdenticalPhotos(hits, 3);
    expect(groups.map((g) => [g.hit.item.id, g.copies.map((c) => c.item.id)])).toEqual([
      ["a", ["c", "e"]],
      ["b", []],
      ["d", []],
    ]);
  });

  it("keeps every distinct photo when k allows", () => {
    expect(groupIdenticalPhotos(hits, 10).map((g) => g.hit.item.id)).toEqual(["a", "b", "d", "f"]);
  });
});

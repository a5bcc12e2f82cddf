import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { checkPage, countFacets, countNeeded, EXPLORE_MAX, selectPage } from "./explore";

const item = (id: string, productDisplayName: string, articleType = "Shirts", gender = "Men", baseColour = "Blue") =>
  ({ id, productDisplayName, articleType, masterCategory: "Apparel", gender, baseColour }) as CatalogItem;

describe("checkPage", () => {
  it("accepts k + offset up to the bound and refuses past it, negative or fractional", () => {
    expect(() => checkPage(10, EXPLORE_MAX - 10)).not.toThrow();
    expect(() => checkPage(10, EXPLORE_MAX - 9)).toThrow(/k \+ offset at most 500/);
    expect(() => checkPage(10, -1)).toThrow(expect.objectContaining({ code: "bad_request" }));
    expect(() => checkPage(10, 1.5)).toThrow(expect.objectContaining({ code: "bad_request" }));
  });
});

describe("selectPage", () => {
  const hits = [item("1", "zebra shirt"), item("2", "Apple shirt"), item("3", "mango shirt"), item("4", "apple Shirt 2")].map((i) => ({ item: i }));

  it("pages best-first hits", () => {
    expect(countNeeded(2, 2, "match")).toBe(4);
    expect(selectPage(hits, 2, 2, "match").map((h) => h.item.id)).toEqual(["3", "4"]);
  });

  it("orders by name (case-insensitive, numbers as numbers) before paging", () => {
    expect(countNeeded(2, 0, "name")).toBe(EXPLORE_MAX);
    expect(selectPage(hits, 3, 0, "name").map((h) => h.item.id)).toEqual(["2", "4", "3"]);
    expect(selectPage(hits, 3, 3, "name").map((h) => h.item.id)).toEqual(["1"]);
  });
});

describe("countFacets", () => {
  const candidates = [
    item("1", "a", "Shirts", "Men", "Blue"),
    item("2", "b", "Shirts", "Women", "Red"),
    item("3", "c", "Watches", "Men", "Blue"),
    item("4", "d", "Shirts", "Men", "Blue"),
  ];

  it("counts values, most frequent first", () => {
    expect(countFacets(candidates).articleType).toEqual([
      { value: "Shirts", count: 3 },
      { value: "Watches", count: 1 },
    ]);
  });

  it("applies the other active filters to a key's counts, not its own, and keeps an active value at 0", () => {
    const counts = countFacets(candidates, { articleType: "Watches", baseColour: "Red" });
    expect(counts.articleType).toEqual([
      { value: "Shirts", count: 1 },
      { value: "Watches", count: 0 },
    ]);
    expect(counts.baseColour).toEqual([{ value: "Blue", count: 1 }, { value: "Red", count: 0 }]);
    expect(counts.gender).toEqual([]);
  });
});

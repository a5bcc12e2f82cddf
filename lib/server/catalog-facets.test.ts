import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { getCatalogFacets, getCategorySummaries, resolveFilters } from "./catalog-facets";

const item = (id: string, articleType: string, gender: string, baseColour = "Blue"): CatalogItem => ({
  id,
  gender,
  masterCategory: "Apparel",
  subCategory: "Topwear",
  articleType,
  baseColour,
  season: "",
  year: "",
  usage: "",
  productDisplayName: `${articleType} ${id}`,
  imageHash: "0".repeat(64),
  imageExt: "jpg",
  width: 60,
  height: 80,
  label: articleType,
  split: "train",
});

const items = [item("1", "Shirts", "Men"), item("2", "Tshirts", "Women", ""), item("3", "Tshirts", "Men")];

describe("catalog facets", () => {
  it("counts values, most frequent first, skipping empty ones", () => {
    const facets = getCatalogFacets(items);
    expect(facets.articleType).toEqual([
      { value: "Tshirts", count: 2 },
      { value: "Shirts", count: 1 },
    ]);
    expect(facets.baseColour).toEqual([{ value: "Blue", count: 2 }]);
    expect(getCatalogFacets(items)).toBe(facets);
  });

  it("resolves filters case-insensitively to the catalog's spelling", () => {
    expect(resolveFilters(getCatalogFacets(items), { gender: "men", articleType: "TSHIRTS" })).toEqual({
      articleType: "Tshirts",
      gender: "Men",
    });
  });

  it("refuses an unknown value and lists the allowed ones", () => {
    expect(() => resolveFilters(getCatalogFacets(items), { gender: "Unisex" })).toThrow(
      expect.objectContaining({ code: "bad_request", message: 'Unknown gender "Unisex". Allowed values: Men, Women.' }),
    );
  });

  it("summarises categories with a sample item", () => {
    expect(getCategorySummaries(items).map((c) => [c.value, c.count, c.sample.id])).toEqual([
      ["Tshirts", 2, "2"],
      ["Shirts", 1, "1"],
    ]);
  });
});

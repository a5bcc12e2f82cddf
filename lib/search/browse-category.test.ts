import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { browseCategory } from "./browse-category";

const item = (id: number, articleType: string, gender: string, baseColour: string) =>
  ({ id: String(id), articleType, gender, baseColour, masterCategory: "Apparel", productDisplayName: `p${id}` }) as CatalogItem;

const items = [
  ...Array.from({ length: 5 }, (_, i) => item(i, "Tops", "Women", "Black")),
  ...Array.from({ length: 3 }, (_, i) => item(10 + i, "Tops", "Women", "Red")),
  ...Array.from({ length: 2 }, (_, i) => item(20 + i, "Tops", "Men", "Black")),
  item(30, "Shirts", "Men", "Black"),
];

describe("browseCategory", () => {
  it("pages the category's items under the filters", () => {
    const first = browseCategory(items, "Tops", { gender: "Women" }, 1, 3);
    expect({ total: first.total, pageCount: first.pageCount, ids: first.items.map((i) => i.id) }).toEqual({ total: 8, pageCount: 3, ids: ["0", "1", "2"] });
    expect(browseCategory(items, "Tops", { gender: "Women" }, 3, 3).items.map((i) => i.id)).toEqual(["11", "12"]);
  });

  it("counts each filter's values within the category, applying the other filters", () => {
    const { facets } = browseCategory(items, "Tops", { gender: "Women" }, 1);
    // Colour counts apply gender=Women; gender counts ignore their own filter; Shirts never count.
    expect(facets.baseColour).toEqual([{ value: "Black", count: 5 }, { value: "Red", count: 3 }]);
    expect(facets.gender).toEqual([{ value: "Women", count: 8 }, { value: "Men", count: 2 }]);
  });

  it("has no page for filters nothing matches", () => {
    const none = browseCategory(items, "Tops", { gender: "Men", baseColour: "Red" }, 1);
    expect({ total: none.total, pageCount: none.pageCount, items: none.items }).toEqual({ total: 0, pageCount: 0, items: [] });
    expect(none.facets.baseColour).toContainEqual({ value: "Red", count: 0 });
  });
});

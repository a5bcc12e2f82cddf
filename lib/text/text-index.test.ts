import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { TextIndex } from "./text-index";

const item = (productDisplayName: string, articleType: string, baseColour = "Black", gender = "Men") =>
  ({ productDisplayName, articleType, baseColour, gender, masterCategory: "Catalog", subCategory: articleType, season: "Summer", year: "2012", usage: "Casual" }) as CatalogItem;

const items = [
  item("Puma Men Black Casual Shoe", "Casual Shoes"), // 0
  item("Nike Men Black Running Shoe", "Sports Shoes"), // 1
  item("Puma Men Black Watch", "Watches"), // 2
  item("Puma Women Red Shoe", "Casual Shoes", "Red", "Women"), // 3
  item("Café Crème Top", "Tops", "White", "Women"), // 4
];

describe("TextIndex", () => {
  const index = TextIndex.build(items);

  it("matches every term (AND), whatever the field, plural or case", () => {
    expect(index.match("puma shoes").map((m) => m.row).sort()).toEqual([0, 3]);
    expect(index.match("PUMA black").map((m) => m.row).sort()).toEqual([0, 2]);
    expect(index.match("cafe creme").map((m) => m.row)).toEqual([4]);
    expect(index.match("adidas")).toEqual([]);
  });

  it("takes the last term as a prefix only", () => {
    expect(index.match("puma wat").map((m) => m.row)).toEqual([2]);
    expect(index.match("wat puma")).toEqual([]);
  });

  it("ranks a row with the term in more fields, and in a weightier field, higher (BM25)", () => {
    const ranked = TextIndex.build([
      item("Red Shoe", "Casual Shoes", "Black"), // "red" in the name only
      item("Red Shoe", "Casual Shoes", "Red"), // in the name and the colour
      item("Grey Shoe", "Casual Shoes", "Red"), // in the colour only (boost 1.5 < the name's 2)
    ]);
    expect(ranked.match("red").map((m) => m.row)).toEqual([1, 0, 2]);
  });

  it("narrows by a row predicate, and follows set and delete", () => {
    expect(index.match("puma", (row) => row !== 0).map((m) => m.row).sort()).toEqual([2, 3]);
    const live = TextIndex.build(items, (row) => row === 2);
    expect(live.match("watch")).toEqual([]);
    live.set(2, item("Puma Men Black Watch", "Watches"));
    expect(live.match("watch").map((m) => m.row)).toEqual([2]);
    live.set(0, item("Reebok Men Black Casual Shoe", "Casual Shoes"));
    expect(live.match("puma shoe").map((m) => m.row)).toEqual([3]);
    expect(live.match("reebok").map((m) => m.row)).toEqual([0]);
    live.delete(3);
    expect(live.match("puma shoe")).toEqual([]);
    expect(live.size).toBe(4);
  });
});

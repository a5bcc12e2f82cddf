import { describe, expect, it } from "vitest";
import { groupCategoriesByMaster } from "./category-groups";
import type { CatalogItem } from "./types";

const item = (id: string, articleType: string, masterCategory: string) => ({ id, articleType, masterCategory }) as CatalogItem;

describe("groupCategoriesByMaster", () => {
  it("files each type under its majority department, most frequent first", () => {
    const groups = groupCategoriesByMaster([
      item("1", "Shirts", "Apparel"),
      item("2", "Shirts", "Apparel"),
      item("3", "Watches", "Accessories"),
      item("4", "Shirts", "Accessories"),
      item("5", "Tshirts", "Apparel"),
      item("6", "Socks", ""),
    ]);
    expect(groups.map((g) => [g.masterCategory, g.count, g.categories.map((c) => `${c.value}:${c.count}`)])).toEqual([
      ["Apparel", 4, ["Shirts:3", "Tshirts:1"]],
      ["Accessories", 1, ["Watches:1"]],
      ["Other", 1, ["Socks:1"]],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { findConfusedPairs } from "./confused-pairs";
import type { Suspect } from "./mislabel-suspects";

const suspect = (id: string, label: string, suggested: string): Suspect => ({
  id, label, suggested, score: 1, classifier: null, votes: { k: 10, own: 0, suggested: 10 }, neighbours: [],
});

describe("findConfusedPairs", () => {
  it("counts each unordered pair in both directions, most confused first, with examples in ranking order", () => {
    const items = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, label: "Tshirts" })),
      ...Array.from({ length: 4 }, (_, i) => ({ id: `p${i}`, label: "Tops" })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, label: "Casual Shoes" })),
    ] as CatalogItem[];
    const ranked = [suspect("p0", "Tops", "Tshirts"), suspect("c0", "Casual Shoes", "Sports Shoes"), suspect("t1", "Tshirts", "Tops"), suspect("p2", "Tops", "Tshirts")];
    const pairs = findConfusedPairs(items, ranked);
    expect(pairs).toEqual([
      { labels: ["Tops", "Tshirts"], count: 3, aToB: 2, bToA: 1, share: 3 / 10, examples: ["p0", "t1", "p2"] },
      { labels: ["Casual Shoes", "Sports Shoes"], count: 1, aToB: 1, bToA: 0, share: 1 / 10, examples: ["c0"] },
    ]);
    expect(findConfusedPairs(items, ranked, 1)).toHaveLength(1);
  });
});

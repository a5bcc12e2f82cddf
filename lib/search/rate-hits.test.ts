import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { createQualityScale } from "./match-quality";
import { rateHits, sortByQuality } from "./rate-hits";

const item = (id: string, label: string) => ({ id, label }) as CatalogItem;
const scale = createQualityScale(
  { version: 1, modelId: "m", target: "t", fittedOn: "v", pairs: 2, knots: [{ x: 0.5, p: 0 }, { x: 1, p: 1 }], createdAt: "" },
  "m",
);

describe("rateHits", () => {
  const hits = [
    { item: item("a", "Shirts"), score: 0.8 },
    { item: item("b", "Watches"), score: 0.85 },
    { item: item("c", "Watches"), score: 0.6 },
  ];

  it("rates the ranking score (cosine + the item's label boost), keeps the cosine as score", () => {
    const { hits: rated } = rateHits(hits, scale, { Shirts: 0.1 });
    expect(rated.map((h) => [h.item.id, h.score, Number(h.quality.toFixed(6)), h.band])).toEqual([
      ["a", 0.8, 0.8, "good"],
      ["b", 0.85, 0.7, "good"],
      ["c", 0.6, 0.2, "weak"],
    ]);
  });

  it("drops hits below minQuality, but judges noCloseMatch on all of them", () => {
    const strict = rateHits(hits, scale, undefined, 0.55);
    expect(strict.hits.map((h) => h.item.id)).toEqual(["a", "b"]);
    expect(strict.noCloseMatch).toBe(false);
    const none = rateHits(hits, scale, undefined, 0.95);
    expect(none).toEqual({ hits: [], noCloseMatch: false });
  });

  it("says no close match when nothing reaches Good", () => {
    expect(rateHits([{ item: item("c", "Watches"), score: 0.79 }], scale, undefined).noCloseMatch).toBe(true);
    expect(rateHits([{ item: item("c", "Watches"), score: 0.8 }], scale, undefined).noCloseMatch).toBe(false);
  });
});

describe("sortByQuality", () => {
  it("orders a page by what it shows, stable; a name-sorted page stays as it is", () => {
    const page = rateHits(
      [
        { item: item("x", "A"), score: 0.7 },
        { item: item("y", "A"), score: 0.9 },
        { item: item("z", "A"), score: 0.7 },
      ],
      scale,
      undefined,
    ).hits;
    expect(sortByQuality(page, "match").map((h) => h.item.id)).toEqual(["y", "x", "z"]);
    expect(sortByQuality(page, "name").map((h) => h.item.id)).toEqual(["x", "y", "z"]);
  });
});

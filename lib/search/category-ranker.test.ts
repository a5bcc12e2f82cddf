import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import type { ModelManifest } from "../model/manifest";
import { CategoryRanker } from "./category-ranker";

const item = (id: string, articleType: string) => ({ id, articleType, label: articleType }) as CatalogItem;
const items = [item("1", "Shirts"), item("2", "Tshirts"), item("3", "Shirts"), item("4", "Watches")];
const model = (ranking: ModelManifest["ranking"]) =>
  ({ classifier: { output: "p", labelColumn: "articleType", labels: ["Shirts", "Tshirts", "Watches"] }, ranking }) as ModelManifest;
const hit = (row: number, score: number) => ({ item: items[row]!, score });

describe("CategoryRanker", () => {
  it("votes with the neighbours' labels, weighted by cosine^sharpness", () => {
    const ranker = new CategoryRanker(model({ categoryBoost: 0.2, source: "neighbours", neighbours: 3, sharpness: 1 }));
    const p = ranker.estimate(undefined, [hit(0, 0.9), hit(1, 0.6), hit(2, 0.5)])!;
    expect(p[0]).toBeCloseTo(1.4 / 2, 6); // Shirts: 0.9 + 0.5
    expect(p[1]).toBeCloseTo(0.6 / 2, 6);
    expect(p[2]).toBe(0);
  });

  it("blends classifier and vote equally, and boosts each row by its label's probability", () => {
    const ranker = new CategoryRanker(model({ categoryBoost: 0.5, source: "blend", neighbours: 2, sharpness: 1 }));
    const p = ranker.estimate(new Float32Array([0, 0, 1]), [hit(0, 1), hit(1, 1)])!;
    expect(Array.from(p)).toEqual([0.25, 0.25, 0.5]);
    expect(ranker.boostFor(p)).toEqual({ Shirts: 0.125, Tshirts: 0.125, Watches: 0.25 });
    expect(ranker.predict(p)?.[0]).toEqual({ label: "Watches", confidence: 0.5 });
  });

  it("adds nothing when the boost is zero, and says so", () => {
    const ranker = new CategoryRanker(model({ categoryBoost: 0, source: "neighbours", neighbours: 5, sharpness: 10 }));
    expect(ranker.needsNeighbours).toBe(false);
    expect(ranker.boostFor(new Float32Array([1, 0, 0]))).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import type { StoreHit } from "../vector-store/types";
import { calibrateProbabilities, keepConsistentPredictions, keepPlainMatches } from "./honest-prior";

const hit = (id: string, label: string, score = 0.5): StoreHit => ({ item: { id, label } as CatalogItem, score });

describe("calibrateProbabilities", () => {
  it("flattens with T > 1, sharpens with T < 1, keeps T = 1 and the order", () => {
    const p = Float32Array.from([0.8, 0.15, 0.05]);
    expect(calibrateProbabilities(p, 1)).toBe(p);
    const flat = calibrateProbabilities(p, 2);
    // sqrt(0.8), sqrt(0.15), sqrt(0.05) renormalised.
    const s = Math.sqrt(0.8) + Math.sqrt(0.15) + Math.sqrt(0.05);
    expect(flat[0]).toBeCloseTo(Math.sqrt(0.8) / s, 6);
    expect(flat.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(calibrateProbabilities(p, 0.5)[0]).toBeGreaterThan(0.8);
  });
});

describe("keepPlainMatches", () => {
  const boosted = [hit("a", "Bra"), hit("b", "Bra"), hit("c", "Bra"), hit("d", "Bra")];
  it("puts the strongest plain matches the boost pushed out into the last places, in plain order", () => {
    const plain = [hit("s1", "Sunglasses"), hit("a", "Bra"), hit("s2", "Sunglasses")];
    expect(keepPlainMatches(boosted, plain, 4, 3).map((h) => h.item.id)).toEqual(["a", "b", "s1", "s2"]);
  });

  it("changes nothing when the plain matches are shown already, or none are kept", () => {
    expect(keepPlainMatches(boosted, [hit("b", "Bra")], 4, 1)).toEqual(boosted);
    expect(keepPlainMatches(boosted, [hit("s1", "Sunglasses")], 4, 0)).toEqual(boosted);
  });
});

describe("keepConsistentPredictions", () => {
  const predicted = [
    { label: "Dresses", confidence: 0.89 },
    { label: "Tshirts", confidence: 0.08 },
  ];
  it("drops a label none of the first five results has", () => {
    const hits = [hit("1", "Tshirts"), hit("2", "Tshirts"), hit("3", "Tops"), hit("4", "Tshirts"), hit("5", "Tshirts"), hit("6", "Dresses")];
    expect(keepConsistentPredictions(predicted, hits, (h) => h.item.label)).toEqual([{ label: "Tshirts", confidence: 0.08 }]);
  });

  it("keeps a label the results bear out, and null stays null", () => {
    expect(keepConsistentPredictions(predicted, [hit("1", "Dresses")], (h) => h.item.label)).toEqual([predicted[0]]);
    expect(keepConsistentPredictions(null, [], (h) => h.item.label)).toBeNull();
  });
});

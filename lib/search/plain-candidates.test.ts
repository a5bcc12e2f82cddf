import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { FlatIndex } from "../index/flat-index";
import { createRng } from "../random";
import type { StoreHit } from "../vector-store/types";
import { boostedFromPlain } from "./plain-candidates";

const item = (id: string, label: string) => ({ id, label }) as CatalogItem;
const hit = (id: string, label: string, score: number): StoreHit => ({ item: item(id, label), score });

describe("boostedFromPlain", () => {
  // Dyadic values, so the float32 sums are exact: a (0.875, Shirts), b (0.75, Shoes), c (0.625, Shoes), d (0.25, Shirts).
  const plain = [hit("a", "Shirts", 0.875), hit("b", "Shoes", 0.75), hit("c", "Shoes", 0.625), hit("d", "Shirts", 0.25)];

  it("re-ranks by cosine + boost and keeps plain order among equal sums", () => {
    // b 1.0, then a and c tie at 0.875: a first, as it is first in plain order.
    expect(boostedFromPlain(plain, 3, { Shoes: 0.25 }, true)!.map((h) => h.item.id)).toEqual(["b", "a", "c"]);
  });

  it("answers only when no row outside the list can beat its k-th result", () => {
    // Outside rows: cosine ≤ 0.25 (d's), + the largest boost 0.25 = 0.5 < the 3rd boosted (0.875): provable.
    expect(boostedFromPlain(plain, 3, { Shoes: 0.25 }, false)?.map((h) => h.item.id)).toEqual(["b", "a", "c"]);
    // The 4th is d at 0.25: an unseen Shoes row at 0.25 would score 0.5 — not provable.
    expect(boostedFromPlain(plain, 4, { Shoes: 0.25 }, false)).toBeUndefined();
    // The same list known to hold every row answers anyway.
    expect(boostedFromPlain(plain, 4, { Shoes: 0.25 }, true)?.map((h) => h.item.id)).toEqual(["b", "a", "c", "d"]);
    // A k-th result that only ties the bound is not enough: x 0.75 vs an unseen B row at 0.5 + 0.25.
    expect(boostedFromPlain([hit("x", "A", 0.75), hit("y", "B", 0.5)], 1, { A: 0, B: 0.25 }, false)).toBeUndefined();
    // Fewer candidates than k: not provable unless complete.
    expect(boostedFromPlain(plain.slice(0, 1), 2, {}, false)).toBeUndefined();
    expect(boostedFromPlain([], 2, {}, true)).toEqual([]);
  });

  it("equals the store's boosted scan whenever it answers (random catalog, many boosts)", () => {
    const rng = createRng(21);
    const dim = 16, n = 3000;
    const labels = ["A", "B", "C", "D", "E", "F"];
    const vectors = new Float32Array(n * dim);
    for (let r = 0; r < n; r++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += (vectors[r * dim + d] = rng() * 2 - 1) ** 2;
      for (let d = 0; d < dim; d++) vectors[r * dim + d]! /= Math.sqrt(norm);
    }
    const ids = Array.from({ length: n }, (_, r) => `i${r}`);
    const labelOf = (r: number) => labels[r % labels.length]!;
    const index = new FlatIndex(dim, ids, vectors);
    let answered = 0;
    for (let q = 0; q < 200; q++) {
      const query = vectors.slice(q * dim, (q + 1) * dim);
      const p = labels.map(() => rng());
      const sum = p.reduce((s, x) => s + x ** 4, 0);
      const boost = Object.fromEntries(labels.map((label, i) => [label, (0.1 * p[i]! ** 4) / sum]));
      const list = index.search(query, 64).map((h) => hit(h.id, labelOf(h.row), h.score));
      const got = boostedFromPlain(list, 10, boost, false);
      if (!got) continue;
      answered++;
      const table = Float32Array.from({ length: n }, (_, r) => boost[labelOf(r)]!);
      const want = index.search(query, 10, { boost: table });
      expect(got.map((h) => h.item.id)).toEqual(want.map((h) => h.id));
    }
    // The shortcut must actually answer most of the time, or it saves nothing.
    expect(answered).toBeGreaterThan(150);
  });
});

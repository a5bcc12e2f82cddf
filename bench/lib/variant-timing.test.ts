import { describe, expect, it } from "vitest";
import { subsetPAt5, subsetTopK } from "./variant-timing";

// Six 2-d unit vectors: three near (1, 0) labelled "a", three near (0, 1) labelled "b".
const embeddings = Float32Array.from([1, 0, 0.99, 0.141, 0.98, 0.199, 0, 1, 0.141, 0.99, 0.199, 0.98]);

describe("subset retrieval helpers", () => {
  it("ranks each photo's neighbours by cosine, itself excluded", () => {
    const lists = subsetTopK(embeddings, 2, 6, 2);
    expect(lists[0]).toEqual([1, 2]);
    expect(lists[3]).toEqual([4, 5]);
    expect(lists.every((list, q) => !list.includes(q))).toBe(true);
  });

  it("P@5 within the subset: two same-label neighbours of five", () => {
    expect(subsetPAt5(embeddings, 2, ["a", "a", "a", "b", "b", "b"])).toBeCloseTo(2 / 5, 12);
    expect(subsetPAt5(embeddings, 2, ["a", "b", "a", "b", "a", "b"])).toBeLessThan(2 / 5);
  });
});

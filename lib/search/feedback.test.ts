import { describe, expect, it } from "vitest";
import type { StoredEntry } from "../vector-store/types";
import { loadFeedbackVectors, refineQueryVector } from "./feedback";

const v = (...values: number[]) => Float32Array.from(values);

describe("refineQueryVector", () => {
  it("moves the query towards the liked mean and away from the disliked mean, then normalises", () => {
    const refined = refineQueryVector(v(1, 0, 0), [v(0, 1, 0), v(0, 0, 1)], [v(1, 0, 0)], { positive: 1, negative: 0.5 });
    // q + 1·(0, .5, .5) − .5·(1, 0, 0) = (.5, .5, .5) → each 1/√3
    for (const x of refined) expect(x).toBeCloseTo(1 / Math.sqrt(3), 6);
  });

  it("weighs the mean, not the sum, of each list", () => {
    const one = refineQueryVector(v(1, 0), [v(0, 1)], [], { positive: 1, negative: 0 });
    const three = refineQueryVector(v(1, 0), [v(0, 1), v(0, 1), v(0, 1)], [], { positive: 1, negative: 0 });
    expect([...three]).toEqual([...one]);
    expect(one[0]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("leaves the query unchanged without feedback, and keeps it when the update cancels out", () => {
    expect([...refineQueryVector(v(0.6, 0.8), [], [])]).toEqual([...v(0.6, 0.8)]);
    expect([...refineQueryVector(v(1, 0), [], [v(1, 0)], { positive: 0, negative: 1 })]).toEqual([1, 0]);
  });
});

describe("loadFeedbackVectors", () => {
  const store = new Map<string, StoredEntry>([
    ["a", { item: { id: "a" }, vector: v(1, 0) } as unknown as StoredEntry],
    ["b", { item: { id: "b" }, vector: v(0, 1) } as unknown as StoredEntry],
  ]);
  const get = async (id: string) => store.get(id);

  it("returns the stored vectors in list order", async () => {
    const { positives, negatives } = await loadFeedbackVectors({ positive: ["b"], negative: ["a"] }, get);
    expect(positives.map((x) => [...x])).toEqual([[0, 1]]);
    expect(negatives.map((x) => [...x])).toEqual([[1, 0]]);
  });

  it("names every unknown id, and refuses an id marked both ways", async () => {
    await expect(loadFeedbackVectors({ positive: ["a", "x1"], negative: ["x2"] }, get)).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringMatching(/x1, x2/),
    });
    await expect(loadFeedbackVectors({ positive: ["a"], negative: ["a"] }, get)).rejects.toThrow(/both positive and negative: a/);
  });
});

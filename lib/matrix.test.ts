import { describe, expect, it } from "vitest";
import { cosine } from "./matrix";

describe("cosine", () => {
  it("is 1 for parallel vectors, -1 for opposite ones and 0 for orthogonal ones, whatever their lengths", () => {
    expect(cosine(Float32Array.of(1, 2, 3), Float32Array.of(2, 4, 6))).toBeCloseTo(1, 6);
    expect(cosine(Float32Array.of(1, 2, 3), Float32Array.of(-3, -6, -9))).toBeCloseTo(-1, 6);
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(0, 5))).toBe(0);
  });

  it("is the normalised dot product", () => {
    // (3·4 + 4·3) / (5 · 5)
    expect(cosine(Float32Array.of(3, 4), Float32Array.of(4, 3))).toBeCloseTo(24 / 25, 6);
  });
});

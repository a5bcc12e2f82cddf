import { describe, expect, it } from "vitest";
import { normalizeRowsInPlace } from "../../lib/matrix";
import { createRng } from "../../lib/random";
import { generateSyntheticVectors } from "./synthetic";

function randomUnitRows(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return normalizeRowsInPlace(Float32Array.from({ length: n * dim }, () => rng() - 0.5), dim);
}

describe("generateSyntheticVectors", () => {
  const dim = 32;
  const source = randomUnitRows(20, dim, 1);

  it("returns unit rows, reproducibly for a seed", () => {
    const a = generateSyntheticVectors({ source, dim, count: 50, seed: 3 });
    const b = generateSyntheticVectors({ source, dim, count: 50, seed: 3 });
    const c = generateSyntheticVectors({ source, dim, count: 50, seed: 4 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (let r = 0; r < 50; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += a[r * dim + j]! ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 5);
    }
  });

  it("stays close to the real vectors it mixes (cluster structure kept)", () => {
    const out = generateSyntheticVectors({ source, dim, count: 200, seed: 5 });
    const uniform = randomUnitRows(200, dim, 9);
    const nearest = (x: Float32Array, r: number) => {
      let best = -1;
      for (let s = 0; s < 20; s++) {
        let dot = 0;
        for (let j = 0; j < dim; j++) dot += x[r * dim + j]! * source[s * dim + j]!;
        best = Math.max(best, dot);
      }
      return best;
    };
    const mean = (x: Float32Array) => Array.from({ length: 200 }, (_, r) => nearest(x, r)).reduce((s, v) => s + v, 0) / 200;
    expect(mean(out)).toBeGreaterThan(0.75);
    expect(mean(uniform)).toBeLessThan(0.5);
  });

  it("refuses a source that is not whole rows", () => {
    expect(() => generateSyntheticVectors({ source: new Float32Array(5), dim: 2, count: 1, seed: 1 })).toThrow(/not a multiple/);
  });
});

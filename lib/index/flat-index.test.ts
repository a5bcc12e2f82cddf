import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { FlatIndex, countMaskedRows, createRowMask } from "./flat-index";

function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** n random unit vectors of dimension dim, row-major. */
function makeUnitVectors(n: number, dim: number, random: () => number): Float32Array {
  const v = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      const x = random() - 0.5;
      v[r * dim + i] = x;
      norm += x * x;
    }
    for (let i = 0; i < dim; i++) v[r * dim + i] = (v[r * dim + i] as number) / Math.sqrt(norm);
  }
  return v;
}

function makeIndex(n: number, dim: number, seed = 1): FlatIndex {
  const ids = Array.from({ length: n }, (_, i) => `item-${i}`);
  return new FlatIndex(dim, ids, makeUnitVectors(n, dim, makeRandom(seed)));
}

/** Reference: score every allowed row in float64, sort by score desc then row asc. */
function bruteForce(index: FlatIndex, q: Float32Array, k: number, keep: (row: number) => boolean = () => true) {
  const all: { row: number; score: number }[] = [];
  for (let row = 0; row < index.count; row++) {
    if (!keep(row)) continue;
    let s = 0;
    for (let i = 0; i < index.dim; i++) s += (q[i] as number) * (index.vectors[row * index.dim + i] as number);
    all.push({ row, score: s });
  }
  return all.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
}

describe("FlatIndex.search", () => {
  it("matches brute force", () => {
    const index = makeIndex(203, 19); // odd sizes exercise the kernel tails
    const queries = makeUnitVectors(5, 19, makeRandom(99));
    for (let j = 0; j < 5; j++) {
      const q = queries.subarray(j * 19, (j + 1) * 19);
      const got = index.search(q, 7);
      const want = bruteForce(index, q, 7);
      expect(got.map((h) => h.row)).toEqual(want.map((h) => h.row));
      got.forEach((h, i) => {
        expect(h.score).toBeCloseTo(want[i]?.score ?? Number.NaN, 6);
        expect(h.id).toBe(`item-${h.row}`);
      });
    }
  });

  it("finds a stored vector first with score 1 and scores like score()", () => {
    const index = makeIndex(50, 8);
    const hits = index.search(index.vector(17), 3);
    expect(hits[0]?.row).toBe(17);
    expect(hits[0]?.score).toBeCloseTo(1, 6);
    for (const h of hits) expect(h.score).toBe(index.score(index.vector(17), h.row));
  });

  it("breaks exact ties by lower row", () => {
    const v = Float32Array.from([1, 0, 0, 1, 1, 0, 0.6, 0.8, 1, 0]);
    const index = new FlatIndex(2, ["a", "b", "c", "d", "e"], v);
    expect(index.search(Float32Array.from([1, 0]), 4).map((h) => h.id)).toEqual(["a", "c", "e", "d"]);
  });

  it("applies the mask inside the search and still returns k hits", () => {
    const index = makeIndex(300, 16);
    const q = makeUnitVectors(1, 16, makeRandom(5));
    const keep = (row: number) => row % 37 === 3; // 9 rows qualify
    const mask = createRowMask(index.count, keep);
    expect(countMaskedRows(mask)).toBe(9);
    const got = index.search(q, 5, { mask });
    expect(got).toHaveLength(5);
    expect(got.every((h) => keep(h.row))).toBe(true);
    expect(got.map((h) => h.row)).toEqual(bruteForce(index, q, 5, keep).map((h) => h.row));
    // Fewer qualifying rows than k: all of them, no padding.
    expect(index.search(q, 50, { mask })).toHaveLength(9);
  });

  it("excludes rows and still returns k hits", () => {
    const index = makeIndex(100, 12);
    const q = index.vector(42);
    const got = index.search(q, 10, { exclude: [42, 42] });
    expect(got).toHaveLength(10);
    expect(got.some((h) => h.row === 42)).toBe(false);
    expect(got.map((h) => h.row)).toEqual(bruteForce(index, q, 10, (r) => r !== 42).map((h) => h.row));
    const both = index.search(q, 3, { mask: createRowMask(100, (r) => r < 10 || r === 42), exclude: [42] });
    expect(both.map((h) => h.row)).toEqual(bruteForce(index, q, 3, (r) => r < 10).map((h) => h.row));
  });

  it("returns every row when k exceeds the count", () => {
    const index = makeIndex(6, 4);
    expect(index.search(index.vector(0), 100)).toHaveLength(6);
  });

  it("rejects bad input with AppError bad_request", () => {
    const index = makeIndex(10, 4);
    const expectBadRequest = (f: () => unknown) => {
      try {
        f();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe("bad_request");
      }
    };
    expectBadRequest(() => index.search(new Float32Array(5), 3));
    expectBadRequest(() => index.search(new Float32Array(4), 0));
    expectBadRequest(() => index.search(new Float32Array(4), 1.5));
    expectBadRequest(() => index.search(new Float32Array(4), 3, { mask: new Uint8Array(9) }));
    expectBadRequest(() => index.search(new Float32Array(4), 3, { exclude: [10] }));
    expectBadRequest(() => index.searchBatch(new Float32Array(12), 2, 3));
    expectBadRequest(() => index.searchBatch(new Float32Array(8), 2, 3, { exclude: [[1]] }));
    expectBadRequest(() => new FlatIndex(4, ["a", "b"], new Float32Array(7)));
    expectBadRequest(() => new FlatIndex(1, ["a", "a"], new Float32Array(2)));
  });
});

describe("FlatIndex.searchBatch", () => {
  it("equals single-query search exactly, across chunks, tails, mask and exclude", () => {
    const dim = 21;
    const index = makeIndex(257, dim, 4);
    const nq = 71; // > one 32-query chunk, not a multiple of 4
    const queries = makeUnitVectors(nq, dim, makeRandom(8));
    const mask = createRowMask(index.count, (r) => r % 3 !== 0);
    const exclude = Array.from({ length: nq }, (_, j) => (j % 2 === 0 ? [j, j + 1] : undefined));
    const batch = index.searchBatch(queries, nq, 9, { mask, exclude });
    expect(batch).toHaveLength(nq);
    for (let j = 0; j < nq; j++) {
      const q = queries.subarray(j * dim, (j + 1) * dim);
      expect(batch[j]).toEqual(index.search(q, 9, { mask, exclude: exclude[j] }));
    }
    const plain = index.searchBatch(queries, nq, 4);
    for (let j = 0; j < nq; j++) expect(plain[j]).toEqual(index.search(queries.subarray(j * dim, (j + 1) * dim), 4));
  });

  it("handles an empty batch", () => {
    expect(makeIndex(5, 3).searchBatch(new Float32Array(0), 0, 2)).toEqual([]);
  });
});

describe("FlatIndex.rowOf", () => {
  it("maps ids to rows", () => {
    const index = makeIndex(5, 2);
    expect(index.rowOf("item-3")).toBe(3);
    expect(index.rowOf("nope")).toBeUndefined();
  });
});

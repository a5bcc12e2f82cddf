import { describe, expect, it } from "vitest";
import { normalizeRowsInPlace } from "../matrix";
import { createRng } from "../random";
import { createRowMask, FlatIndex } from "./flat-index";
import { OrtScoreMatrix, OrtScorer, quantizeRows } from "./ort-scorer";

function randomIndex(count: number, dim: number, seed: number): FlatIndex {
  const rng = createRng(seed);
  const vectors = normalizeRowsInPlace(Float32Array.from({ length: count * dim }, () => rng() - 0.5), dim);
  return new FlatIndex(dim, Array.from({ length: count }, (_, i) => `id-${i}`), vectors);
}

describe("OrtScorer", () => {
  it("returns the top k of query · row + bias, best first, lower row first on ties, never a -Infinity row", async () => {
    // Rows 0 and 2 are identical (an exact tie); row 3 is dropped by the bias.
    const rows = Float32Array.of(1, 0, 0.6, 0.8, 1, 0, 0, 1);
    const scorer = await OrtScorer.create(rows, 2, { threads: 1 });
    const [top] = await scorer.topK(Float32Array.of(1, 0), 1, 4, Float32Array.of(0, 0, 0, -Infinity));
    expect(top!.map((h) => h.row)).toEqual([0, 2, 1]);
    expect(top!.map((h) => h.score)).toEqual([1, 1, expect.closeTo(0.6, 6)]);
    const [boosted] = await scorer.topK(Float32Array.of(1, 0), 1, 2, Float32Array.of(0, 0.5, 0, 0));
    expect(boosted!.map((h) => h.row)).toEqual([1, 0]);
  });
});

describe("int8 OrtScorer", () => {
  it("quantises each row on its own symmetric scale, laid out [dim, count]", () => {
    // Row 0 (1, -0.5, 0.25): scale 1/63; row 1 (0, 0.02, -0.01): scale 0.02/63, full resolution too.
    const { rowsT, scales } = quantizeRows(Float32Array.of(1, -0.5, 0.25, 0, 0.02, -0.01), 3);
    expect(Array.from(scales)).toEqual([Math.fround(1 / 63), Math.fround(0.02 / 63)]);
    // Laid out dimension by dimension: (row 0, row 1) of d0, d1, d2; −31.5 rounds to −31 (Math.round), 15.75 to 16.
    expect(Array.from(rowsT)).toEqual([63, 0, -31, 63, 16, -31]);
    expect(Array.from(quantizeRows(new Float32Array(3), 3).rowsT)).toEqual([0, 0, 0]); // a zero row stays zero
  });

  it("ranks like fp32 up to quantisation error, honours the bias, and FlatIndex rescores its wider list exactly", async () => {
    const index = randomIndex(4000, 64, 9);
    const scorer = await OrtScorer.create(index.vectors, index.dim, { threads: 1, precision: "int8" });
    expect(scorer.approximate).toBe(true);
    const query = index.vector(17);
    const bias = new Float32Array(index.count);
    bias[3] = -Infinity;
    const [top] = await scorer.topK(query, 1, 50, bias);
    await scorer.release();
    const exact = index.scoreAll(query);
    for (const { row, score } of top!) expect(Math.abs(score - exact[row]!)).toBeLessThan(0.02);
    expect(top![0]!.row).toBe(17);
    expect(top!.some((h) => h.row === 3)).toBe(false);

    // Through FlatIndex: the exact top 10 (same order, exact scores) for every query tried.
    await index.prepareAccelerated({ threads: 1, precision: "int8" });
    expect(index.accelerated).toBe(true);
    for (const row of [0, 5, 99, 1234, 3999]) {
      const q = index.vector(row);
      const got = await index.searchAsync(q, 10);
      expect(got).toEqual(index.search(q, 10));
    }
    index.releaseAccelerated(0);
  });
});

describe("OrtScoreMatrix", () => {
  it("gives every query's score with every row, as FlatIndex.scoreAll does", async () => {
    const index = randomIndex(500, 24, 3);
    const rows = [0, 7, 499, 250, 13];
    const queries = new Float32Array(rows.length * index.dim);
    rows.forEach((row, i) => queries.set(index.vector(row), i * index.dim));
    const matrix = await OrtScoreMatrix.create(index.vectors, index.dim, { threads: 1 });
    const scores = await matrix.scores(queries, rows.length);
    await matrix.release();
    expect(scores).toHaveLength(rows.length * index.count);
    rows.forEach((row, i) => {
      const expected = index.scoreAll(index.vector(row));
      const got = scores.subarray(i * index.count, (i + 1) * index.count);
      for (let r = 0; r < index.count; r++) expect(Math.abs(got[r]! - expected[r]!)).toBeLessThan(1e-5);
      expect(got[row]).toBeCloseTo(1, 5);
    });
  });
});

describe("FlatIndex.searchAsync on the onnxruntime scorer", () => {
  const index = randomIndex(3000, 48, 11);
  const queries = Array.from({ length: 20 }, (_, i) => index.vector(i * 97));
  const rng = createRng(5);
  const boost = Float32Array.from({ length: index.count }, () => (rng() < 0.1 ? 0.3 : 0));
  const mask = createRowMask(index.count, (row) => row % 3 !== 0);

  it("answers exactly as search() does: plain, masked, excluded and boosted", async () => {
    expect(await index.prepareAccelerated({ threads: 1 })).toBe(true);
    expect(index.accelerated).toBe(true);
    for (const [i, query] of queries.entries()) {
      const filters = [{}, { mask }, { exclude: [i * 97, 5] }, { boost }, { mask, boost, exclude: [i * 97] }];
      for (const filter of filters) {
        expect(await index.searchAsync(query, 10, filter)).toEqual(index.search(query, 10, filter));
      }
    }
  });

  it("returns fewer hits when fewer rows pass the mask", async () => {
    await index.prepareAccelerated();
    const few = createRowMask(index.count, (row) => row < 4);
    const hits = await index.searchAsync(queries[0]!, 10, { mask: few });
    expect(hits.map((h) => h.row).sort()).toEqual([0, 1, 2, 3]);
  });

  it("drops the scorer when released (also one still being built) and answers with the JavaScript kernel", async () => {
    const built = randomIndex(200, 16, 8);
    await built.prepareAccelerated({ threads: 1 });
    built.releaseAccelerated(0);
    expect(built.accelerated).toBe(false);
    expect(await built.searchAsync(built.vector(3), 5)).toEqual(built.search(built.vector(3), 5));
    const pending = randomIndex(200, 16, 9);
    const building = pending.prepareAccelerated({ threads: 1 });
    pending.releaseAccelerated(0);
    expect(await building).toBe(false);
    expect(pending.accelerated).toBe(false);
    expect(await pending.prepareAccelerated()).toBe(false);
  });

  it("falls back to the JavaScript kernel before the scorer exists", async () => {
    const fresh = randomIndex(50, 8, 3);
    expect(fresh.accelerated).toBe(false);
    expect(await fresh.searchAsync(fresh.vector(7), 5)).toEqual(fresh.search(fresh.vector(7), 5));
  });
});

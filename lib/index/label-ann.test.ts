import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { FlatIndex } from "./flat-index";
import { computeContentId } from "./index-file";
import { ANN_EXACT_LABEL_ROWS, annDirFor, LabelAnnIndex } from "./label-ann";

function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const dim = 24;
const clusters = 12;

/** Unit vectors around 12 centres; row r belongs to centre r % 12, and its label is that centre (so labels 0–2 are big, the rest share rows below ANN_EXACT_LABEL_ROWS). */
function makeData(n: number, seed: number): { flat: FlatIndex; labels: string[] } {
  const random = makeRandom(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => random() - 0.5));
  const v = new Float32Array(n * dim);
  const labels: string[] = [];
  for (let r = 0; r < n; r++) {
    // Three big labels take most rows; the other nine get few, so they are scanned exactly.
    const c = r % 4 === 3 ? 3 + (r % 9) : r % 3;
    labels.push(`L${c}`);
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      const x = centres[c]![i]! + (random() - 0.5) * 0.9;
      v[r * dim + i] = x;
      norm += x * x;
    }
    for (let i = 0; i < dim; i++) v[r * dim + i]! /= Math.sqrt(norm);
  }
  return { flat: new FlatIndex(dim, Array.from({ length: n }, (_, i) => `p${i}`), v), labels };
}

const n = 4000;
const { flat, labels } = makeData(n, 3);
const ann = LabelAnnIndex.build(flat, labels, { m: 12, efConstruction: 80, efSearch: 64, seed: 5, exactBelow: 0 });
const queries = makeData(40, 9).flat;
const score = (q: Float32Array) => (row: number) => flat.score(q, row);
const labelOf = (row: number) => labels[row]!;

/** The exact answer: the flat index with the same per-row boost. */
function exact(q: Float32Array, k: number, boost: Record<string, number> = {}, exclude: number[] = []) {
  const rowBoost = Float32Array.from(labels, (label) => boost[label] ?? 0);
  return flat.search(q, k, { boost: rowBoost, exclude });
}

describe("LabelAnnIndex", () => {
  it("splits labels into graphs and exact parts as the row counts say", () => {
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    expect(counts.get("L0")).toBeGreaterThan(ANN_EXACT_LABEL_ROWS);
    expect(counts.get("L5")).toBeLessThan(ANN_EXACT_LABEL_ROWS);
  });

  it("finds the exact plain top 10 on clustered data (recall ≥ 0.95), with exact cosine scores", () => {
    let found = 0;
    for (let i = 0; i < queries.count; i++) {
      const q = queries.vector(i);
      const got = ann.search(q, { k: 10, score: score(q), labelOf });
      const want = exact(q, 10);
      found += got.filter((hit) => want.some((w) => w.row === hit.row)).length;
      for (const hit of got) expect(hit.score).toBe(flat.score(q, hit.row));
      expect(got.map((h) => h.score)).toEqual([...got.map((h) => h.score)].sort((a, b) => b - a));
    }
    expect(found / (10 * queries.count)).toBeGreaterThanOrEqual(0.95);
  });

  it("ranks by cosine + boost like the flat index, finding boosted rows far below the plain candidates", () => {
    let found = 0;
    let total = 0;
    for (let i = 0; i < queries.count; i++) {
      const q = queries.vector(i);
      // A boost large enough that the answer is L1's (a big label, walked in its own graph) and L7's (scanned) best rows.
      const boost = { L1: 0.9, L7: 0.9 };
      const got = ann.search(q, { k: 10, boost, score: score(q), labelOf });
      const want = exact(q, 10, boost);
      expect(got.every((hit) => labels[hit.row] === "L1" || labels[hit.row] === "L7")).toBe(true);
      found += got.filter((hit) => want.some((w) => w.row === hit.row)).length;
      total += want.length;
      // Scores stay the plain cosine.
      for (const hit of got) expect(hit.score).toBe(flat.score(q, hit.row));
    }
    expect(found / total).toBeGreaterThanOrEqual(0.95);
  });

  it("walks no label graph when the boost cannot reach past the plain candidates", () => {
    const q = queries.vector(0);
    const tiny = { L1: 1e-7 };
    expect(ann.search(q, { k: 10, boost: tiny, score: score(q), labelOf }).map((h) => h.row)).toEqual(
      ann.search(q, { k: 10, score: score(q), labelOf }).map((h) => h.row),
    );
  });

  it("leaves out excluded and unusable rows and adds extra rows, scored by the caller", () => {
    const q = queries.vector(1);
    const top = ann.search(q, { k: 10, score: score(q), labelOf });
    const [first, second] = top;
    const dropped = new Set([second!.row]);
    const got = ann.search(q, {
      k: 10,
      exclude: new Set([first!.row]),
      usable: (row) => !dropped.has(row),
      extraRows: [3999],
      // Row 3999 now holds the query itself (changed since the graph was built).
      score: (row) => (row === 3999 ? 1 : flat.score(q, row)),
      labelOf,
    });
    expect(got[0]).toEqual({ row: 3999, score: 1 });
    expect(got.map((h) => h.row)).not.toContain(first!.row);
    expect(got.map((h) => h.row)).not.toContain(second!.row);
    expect(got).toHaveLength(10);
  });

  describe("save and load", () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it("round-trips to the same answers and refuses other vectors or labels", async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), "label-ann-"));
      const contentId = computeContentId(flat);
      const target = annDirFor(path.join(dir, "index-m.bin"), contentId);
      await ann.save(target, { contentId, labels });
      expect(await LabelAnnIndex.load(path.join(dir, "nothing-here"), flat, { contentId, labels })).toBeUndefined();
      const loaded = await LabelAnnIndex.load(target, flat, { contentId, labels });
      expect(loaded).toBeDefined();
      for (let i = 0; i < 10; i++) {
        const q = queries.vector(i);
        const boost = { L2: 0.3 };
        expect(loaded!.search(q, { k: 10, boost, score: score(q), labelOf })).toEqual(ann.search(q, { k: 10, boost, score: score(q), labelOf }));
      }
      const relabelled = labels.map((label, row) => (row === 0 ? "L9" : label));
      await expect(LabelAnnIndex.load(target, flat, { contentId, labels: relabelled })).rejects.toThrow(/other labels/);
      await expect(LabelAnnIndex.load(target, flat, { contentId: "0".repeat(64), labels })).rejects.toBeInstanceOf(AppError);
    });
  });
});

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { FlatIndex, createRowMask } from "./flat-index";
import { buildHnswIndex, loadHnswIndex, saveHnswIndex } from "./hnsw-index";
import { computeContentId } from "./index-file";

function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Clustered unit vectors: 20 random centres plus noise, like embeddings of 20 product types. */
function makeClusteredIndex(n: number, dim: number, seed: number): FlatIndex {
  const random = makeRandom(seed);
  const centres = Array.from({ length: 20 }, () => Array.from({ length: dim }, () => random() - 0.5));
  const v = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const c = centres[r % 20] ?? [];
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      const x = (c[i] ?? 0) + (random() - 0.5) * 0.8;
      v[r * dim + i] = x;
      norm += x * x;
    }
    for (let i = 0; i < dim; i++) v[r * dim + i] = (v[r * dim + i] as number) / Math.sqrt(norm);
  }
  return new FlatIndex(dim, Array.from({ length: n }, (_, i) => `p${i}`), v);
}

const dim = 24;
const flat = makeClusteredIndex(2000, dim, 1);
const hnsw = buildHnswIndex(flat, { m: 12, efConstruction: 100, efSearch: 64, seed: 7, exactBelow: 0 });
const queries = makeClusteredIndex(50, dim, 2);

function recallAt10(filter: Parameters<FlatIndex["search"]>[2] = {}): number {
  let hit = 0;
  let total = 0;
  for (let j = 0; j < queries.count; j++) {
    const q = queries.vector(j);
    const want = new Set(flat.search(q, 10, filter).map((h) => h.row));
    total += want.size;
    for (const h of hnsw.search(q, 10, filter)) if (want.has(h.row)) hit++;
  }
  return hit / total;
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "hnsw-index-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("HnswIndex", () => {
  it("reaches high recall@10 against exact search, with exact scores and the flat result shape", () => {
    expect(recallAt10()).toBeGreaterThan(0.95);
    const q = queries.vector(0);
    const hits = hnsw.search(q, 5);
    expect(hits).toHaveLength(5);
    for (const h of hits) {
      expect(h.id).toBe(`p${h.row}`);
      expect(h.score).toBe(flat.score(q, h.row));
    }
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it("filters inside the graph walk and returns k filtered hits", () => {
    const keep = (row: number) => row % 5 === 1; // 400 rows, several clusters
    const mask = createRowMask(flat.count, keep);
    const q = queries.vector(3);
    const hits = hnsw.search(q, 10, { mask });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => keep(h.row))).toBe(true);
    expect(recallAt10({ mask })).toBeGreaterThan(0.9);
  });

  it("falls back to exact search when few rows qualify", () => {
    const rows = [5, 77, 901, 1999];
    const mask = createRowMask(flat.count, (r) => rows.includes(r));
    const q = queries.vector(1);
    const hits = hnsw.search(q, 10, { mask, exclude: [77] });
    expect(hits.map((h) => h.row).sort((a, b) => a - b)).toEqual([5, 901, 1999]);
    expect(hits).toEqual(flat.search(q, 10, { mask, exclude: [77] }));
  });

  it("excludes the query item", () => {
    const q = flat.vector(123);
    expect(hnsw.search(q, 1)[0]?.row).toBe(123);
    const hits = hnsw.search(q, 10, { exclude: [123] });
    expect(hits).toHaveLength(10);
    expect(hits.some((h) => h.row === 123)).toBe(false);
  });

  it("validates its input", () => {
    expect(() => hnsw.search(new Float32Array(3), 5)).toThrow(AppError);
    expect(() => hnsw.search(queries.vector(0), 0)).toThrow(AppError);
    expect(() => hnsw.search(queries.vector(0), 5, { mask: new Uint8Array(3) })).toThrow(AppError);
    expect(() => hnsw.setEfSearch(0)).toThrow(/Invalid HNSW parameters/);
    expect(() => buildHnswIndex(flat, { m: 1 })).toThrow(AppError);
  });

  it("saves and loads the graph tied to its flat index", async () => {
    const file = path.join(dir, "graph.hnsw");
    const contentId = computeContentId(flat);
    await saveHnswIndex(file, hnsw, { contentId });
    expect((await fs.readdir(dir)).sort()).toEqual(["graph.hnsw", "graph.hnsw.json"]);

    const loaded = await loadHnswIndex(file, flat, { contentId, efSearch: 32 });
    expect(loaded.params).toMatchObject({ m: 12, efConstruction: 100, efSearch: 32 });
    hnsw.setEfSearch(32);
    for (let j = 0; j < 10; j++) expect(loaded.search(queries.vector(j), 10)).toEqual(hnsw.search(queries.vector(j), 10));
    hnsw.setEfSearch(64);

    await expect(loadHnswIndex(file, flat, { contentId: "other" })).rejects.toThrow(/built from other vectors/);
    await expect(loadHnswIndex(file, queries, { contentId })).rejects.toThrow(/does not match/);
    await fs.truncate(file, 1000);
    await expect(loadHnswIndex(file, flat, { contentId })).rejects.toThrow(/Corrupt HNSW index/);
    await expect(loadHnswIndex(path.join(dir, "missing.hnsw"), flat, { contentId })).rejects.toMatchObject({
      code: "not_ready",
    });
  });
});

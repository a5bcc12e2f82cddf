import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishCatalog } from "../../catalog/store";
import type { CatalogItem, CatalogManifest } from "../../catalog/types";
import { FlatIndex } from "../../index/flat-index";
import { saveFlatIndex } from "../../index/index-file";
import { annDirFor, LabelAnnIndex } from "../../index/label-ann";
import { createRng } from "../../random";
import type { StoreQuery } from "../types";
import { EmbeddedStore } from "./embedded-store";

// The embedded store with search graphs (SEARCH_INDEX=auto/hnsw): unfiltered searches walk them,
// and rows added, replaced, relabelled or removed since they were built are still answered right.

const dim = 8;
const model = { id: "0123456789abcdef", name: "test-model" };
const n = 1200;

function item(id: string, label: string): CatalogItem {
  return {
    id, gender: id.charCodeAt(id.length - 1) % 2 ? "Men" : "Women", masterCategory: "Apparel", subCategory: "", articleType: label,
    baseColour: "Blue", season: "", year: "", usage: "", productDisplayName: `Product ${id}`,
    imageHash: "a".repeat(64), imageExt: "jpg", width: 10, height: 10, label, split: "train",
  };
}

const random = createRng(11);
function unit(): Float32Array {
  const v = Float32Array.from({ length: dim }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

let dir: string;
/** What the store should hold: the slow reference. */
let live: Map<string, { item: CatalogItem; vector: Float32Array }>;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-graphs-"));
  // Shirts is big enough for its own graph (≥ 512 rows); Watches and Bags are scanned.
  const items = Array.from({ length: n }, (_, i) => item(String(1000 + i), i % 4 === 3 ? (i % 8 === 3 ? "Watches" : "Bags") : "Shirts"));
  const vectors = new Float32Array(n * dim);
  live = new Map();
  items.forEach((it, i) => {
    const v = unit();
    vectors.set(v, i * dim);
    live.set(it.id, { item: it, vector: v });
  });
  const index = new FlatIndex(dim, items.map((i) => i.id), vectors);
  const labels = items.map((i) => i.label);
  const manifest: CatalogManifest = {
    version: 1, createdAt: "", source: { images: "", csv: "" }, labelColumn: "articleType", minPerLabel: 1, seed: 1,
    itemCount: n, labels: ["Shirts", "Watches", "Bags"].map((label) => ({ label, count: 0 })),
  };
  const save = async (file: string) => {
    const header = await saveFlatIndex(file, index, { modelId: model.id });
    // A wide candidate list: on 1,200 points the walks are exact, so answers can be compared row for row.
    await LabelAnnIndex.build(index, labels, { m: 16, efConstruction: 200, efSearch: 400, seed: 1, exactBelow: 0 }).save(annDirFor(file, header.contentId), {
      contentId: header.contentId,
      labels,
    });
  };
  await publishCatalog(dir, manifest, items, { indexes: [{ modelId: model.id, save }] });
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The exact answer over `live`: cosine + boost (float32), ties by insertion order as rows are. */
function expected(query: Float32Array, q: Pick<StoreQuery, "k" | "labelBoost" | "excludeIds">): string[] {
  const rows = [...live.values()].filter(({ item }) => !q.excludeIds?.includes(item.id));
  return rows
    .map(({ item, vector }) => {
      const cos = Math.fround(vector.reduce((acc, x, i) => acc + x * query[i]!, 0));
      return { id: item.id, ranked: Math.fround(cos + Math.fround(q.labelBoost?.[item.label] ?? 0)) };
    })
    .sort((a, b) => b.ranked - a.ranked)
    .slice(0, q.k)
    .map((x) => x.id);
}

const ids = (hits: { item: CatalogItem }[]) => hits.map((h) => h.item.id);

async function expectSameAnswers(store: EmbeddedStore): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const query = unit();
    const queries: StoreQuery[] = [{ k: 10 }, { k: 10, labelBoost: { Watches: 0.6 } }, { k: 5, labelBoost: { Shirts: 0.2, Bags: 0.05 }, excludeIds: ["1000", "1001"] }];
    for (const q of queries) {
      expect(ids(await store.search(query, q))).toEqual(expected(query, q));
    }
  }
}

describe("EmbeddedStore with search graphs", () => {
  it("walks them for unfiltered searches and answers as the exact scan does", async () => {
    const store = await EmbeddedStore.open(dir, { id: model.id, dim }, { graphs: "hnsw" });
    expect(store.info().indexKind).toBe("hnsw");
    await expectSameAnswers(store);
    const flat = await EmbeddedStore.open(dir, { id: model.id, dim }, { graphs: "flat" });
    expect(flat.info().indexKind).toBe("flat");
    const query = unit();
    // Filtered searches scan exactly, graphs or not.
    const q: StoreQuery = { k: 10, filters: { gender: "Men" }, labelBoost: { Bags: 0.3 } };
    expect(ids(await store.search(query, q))).toEqual(ids(await flat.search(query, q)));
  });

  it("answers right after rows are added, replaced, relabelled and removed", async () => {
    const store = await EmbeddedStore.open(dir, { id: model.id, dim }, { graphs: "hnsw" });
    const added = Array.from({ length: 30 }, (_, i) => ({ item: item(`new-${i}`, i % 2 ? "Watches" : "Shirts"), vector: unit() }));
    await store.upsert(added);
    for (const entry of added) live.set(entry.item.id, entry);
    const replaced = { item: item("1004", "Shirts"), vector: unit() };
    await store.upsert([replaced]);
    live.set("1004", replaced);
    const relabelled = await store.update("1008", { label: "Watches", articleType: "Watches" });
    live.set("1008", { item: relabelled, vector: live.get("1008")!.vector });
    // 1011 is a Watches row (a label scanned exactly, not walked), the others Shirts rows and an added one.
    await store.remove(["1012", "1016", "new-3", "1011"]);
    for (const id of ["1012", "1016", "new-3", "1011"]) live.delete(id);
    await expectSameAnswers(store);
    // A row's new vector is found at once: the query equal to it finds it first.
    expect(ids(await store.search(replaced.vector, { k: 1 }))).toEqual(["1004"]);
    // The relabelled row as far as can be from the query: no walk finds it, only its new label brings it in.
    const away = live.get("1008")!.vector.map((x) => -x);
    const watches = [...live.values()].filter((e) => e.item.label === "Watches").length;
    const q = { k: watches, labelBoost: { Watches: 3 } };
    const found = ids(await store.search(away, q));
    expect(found).toContain("1008");
    expect(found).not.toContain("1011");
    expect(found).toEqual(expected(away, q));
  });

  it("refuses SEARCH_INDEX=hnsw without graphs, and auto scans exactly then", async () => {
    const { items } = { items: [...live.values()].map((e) => e.item) };
    const vectors = new Float32Array(items.length * dim);
    [...live.values()].forEach((e, i) => vectors.set(e.vector, i * dim));
    const bare = await fs.mkdtemp(path.join(os.tmpdir(), "vps-nographs-"));
    try {
      const manifest: CatalogManifest = {
        version: 1, createdAt: "", source: { images: "", csv: "" }, labelColumn: "articleType", minPerLabel: 1, seed: 1,
        itemCount: items.length, labels: [{ label: "Shirts", count: 0 }],
      };
      const index = new FlatIndex(dim, items.map((i) => i.id), vectors);
      await publishCatalog(bare, manifest, items, { indexes: [{ modelId: model.id, save: (file) => saveFlatIndex(file, index, { modelId: model.id }).then(() => {}) }] });
      await expect(EmbeddedStore.open(bare, { id: model.id, dim }, { graphs: "hnsw" })).rejects.toThrow(/no search graphs/);
      const auto = await EmbeddedStore.open(bare, { id: model.id, dim }, { graphs: "auto" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(auto.info().indexKind).toBe("flat");
      const query = unit();
      expect(ids(await auto.search(query, { k: 10 }))).toEqual(expected(query, { k: 10 }));
    } finally {
      await fs.rm(bare, { recursive: true, force: true });
    }
  });
});

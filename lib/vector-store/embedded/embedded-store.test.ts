import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { publishCatalog } from "../../catalog/store";
import type { CatalogItem, CatalogManifest } from "../../catalog/types";
import { FlatIndex } from "../../index/flat-index";
import { saveFlatIndex } from "../../index/index-file";
import { changeLogPaths, encodeRecord } from "./change-log";
import { createRng } from "../../random";
import { EmbeddedStore } from "./embedded-store";

// A gate inside compaction: the test holds it there, under the log's lock, for as long as it needs.
const foldHooks = vi.hoisted(() => ({ beforeFold: undefined as (() => Promise<void>) | undefined }));
vi.mock("./compact", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./compact")>();
  return {
    ...actual,
    foldGeneration: async (...args: Parameters<typeof actual.foldGeneration>) => {
      const hook = foldHooks.beforeFold;
      foldHooks.beforeFold = undefined;
      await hook?.();
      return actual.foldGeneration(...args);
    },
  };
});

const dim = 8;
const model = { id: "0123456789abcdef", name: "test-model" };
const labels = ["Shirts", "Watches", "Bags"];

function item(id: string, label: string, extra: Partial<CatalogItem> = {}): CatalogItem {
  return {
    id, gender: id.charCodeAt(id.length - 1) % 2 ? "Men" : "Women", masterCategory: "Apparel", subCategory: "", articleType: label,
    baseColour: "Blue", season: "", year: "", usage: "", productDisplayName: `Product ${id}`,
    imageHash: "a".repeat(64), imageExt: "jpg", width: 10, height: 10, label, split: "train", ...extra,
  };
}

function unit(random: () => number): Float32Array {
  const v = Float32Array.from({ length: dim }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

let dir: string;
let base: { items: CatalogItem[]; vectors: Float32Array };
const random = createRng(7);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-store-"));
  const items = Array.from({ length: 50 }, (_, i) => item(String(1000 + i), labels[i % 3]!));
  const vectors = new Float32Array(items.length * dim);
  items.forEach((_, i) => vectors.set(unit(random), i * dim));
  base = { items, vectors };
  const index = new FlatIndex(dim, items.map((i) => i.id), vectors);
  const manifest: CatalogManifest = {
    version: 1, createdAt: "", source: { images: "", csv: "" }, labelColumn: "articleType", minPerLabel: 1, seed: 1,
    itemCount: items.length, labels: labels.map((label) => ({ label, count: 0 })),
  };
  await publishCatalog(dir, manifest, items, { indexes: [{ modelId: model.id, save: (file) => saveFlatIndex(file, index, { modelId: model.id }) }] });
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = () => EmbeddedStore.open(dir, { id: model.id, dim });
const ids = (hits: { item: CatalogItem }[]) => hits.map((h) => h.item.id);

/** The expected answer, computed the slow way over a plain map of the live products. */
function bruteForce(live: Map<string, { item: CatalogItem; vector: Float32Array }>, query: Float32Array, k: number): string[] {
  return [...live.values()]
    .map(({ item, vector }) => ({ id: item.id, score: vector.reduce((acc, x, i) => acc + x * query[i]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((x) => x.id);
}

describe("EmbeddedStore", () => {
  it("on an unchanged catalog answers exactly as the flat index does (filters, boosts, exclusions)", async () => {
    const store = await open();
    const index = new FlatIndex(dim, base.items.map((i) => i.id), base.vectors);
    const query = unit(random);
    const plain = index.search(query, 10).map((h) => ({ id: h.id, score: h.score }));
    expect((await store.search(query, { k: 10 })).map((h) => ({ id: h.item.id, score: h.score }))).toEqual(plain);
    const labelBoost = { Shirts: 0.3, Watches: 0.1 };
    const boost = Float32Array.from(base.items, (i) => labelBoost[i.label as keyof typeof labelBoost] ?? 0);
    const mask = Uint8Array.from(base.items, (i) => (i.gender === "Men" ? 1 : 0));
    const expected = index.search(query, 7, { boost, mask, exclude: [3] }).map((h) => ({ id: h.id, score: h.score }));
    const got = await store.search(query, { k: 7, labelBoost, filters: { gender: "Men" }, excludeIds: [base.items[3]!.id] });
    expect(got.map((h) => ({ id: h.item.id, score: h.score }))).toEqual(expected);
  });

  it("adds, replaces, updates and removes; every change survives a reopen (log replay)", async () => {
    const store = await open();
    const fresh = unit(random);
    await store.upsert([{ item: item("new-1", "Bags"), vector: fresh }]);
    expect(ids(await store.search(fresh, { k: 1 }))).toEqual(["new-1"]);
    const replaced = unit(random);
    await store.upsert([{ item: item("1003", "Bags"), vector: replaced }]);
    expect(await store.update("1004", { productDisplayName: "Renamed" })).toMatchObject({ id: "1004", productDisplayName: "Renamed" });
    expect(await store.remove(["1005", "1005", "missing"])).toBe(1);
    await expect(store.update("1005", { productDisplayName: "x" })).rejects.toMatchObject({ code: "not_found" });
    for (const s of [store, await open()]) {
      expect(await s.count()).toBe(50);
      expect(ids(await s.search(fresh, { k: 1 }))).toEqual(["new-1"]);
      expect(ids(await s.search(replaced, { k: 1 }))).toEqual(["1003"]);
      expect((await s.get("1004"))?.item.productDisplayName).toBe("Renamed");
      expect(await s.get("1005")).toBeUndefined();
      expect((await s.listItems()).map((i) => i.id)).not.toContain("1005");
      expect(ids(await s.search(base.vectors.subarray(5 * dim, 6 * dim), { k: 50 }))).not.toContain("1005");
    }
  });

  it("stays consistent with a brute-force model over random changes, before and after reopening", async () => {
    const store = await open();
    const live = new Map<string, { item: CatalogItem; vector: Float32Array }>(
      base.items.map((it, i) => [it.id, { item: it, vector: base.vectors.slice(i * dim, (i + 1) * dim) }]),
    );
    const rnd = createRng(11);
    for (let step = 0; step < 60; step++) {
      const r = rnd();
      const id = String(1000 + Math.floor(rnd() * 70));
      if (r < 0.5) {
        const vector = unit(rnd);
        const it = item(id, labels[step % 3]!);
        await store.upsert([{ item: it, vector }]);
        live.set(id, { item: it, vector });
      } else {
        expect(await store.remove([id])).toBe(live.delete(id) ? 1 : 0);
      }
    }
    for (const s of [store, await open()]) {
      expect(await s.count()).toBe(live.size);
      for (let q = 0; q < 5; q++) {
        const query = unit(rnd);
        expect(ids(await s.search(query, { k: 8 }))).toEqual(bruteForce(live, query, 8));
      }
    }
  });

  it("a second writer (another process) sees the first one's changes and never loses them", async () => {
    const a = await open();
    const b = await open();
    const va = unit(random);
    await a.upsert([{ item: item("from-a", "Bags"), vector: va }]);
    expect(await b.get("from-a")).toBeUndefined();
    expect(await b.refresh()).toBe(true);
    expect(ids(await b.search(va, { k: 1 }))).toEqual(["from-a"]);
    // b writes without refreshing first: it catches up under the lock, so a's next write is kept too.
    await a.remove(["1000"]);
    await b.upsert([{ item: item("from-b", "Bags"), vector: unit(random) }]);
    const c = await open();
    expect(await c.get("1000")).toBeUndefined();
    expect(await c.get("from-a")).toBeDefined();
    expect(await c.get("from-b")).toBeDefined();
  });

  it("loads with a torn tail, and the next write replaces the tail", async () => {
    const store = await open();
    await store.remove(["1000"]);
    const { log } = changeLogPaths(store.generationDir);
    const torn = encodeRecord({ op: "remove", at: "x", ids: ["1001"] });
    await fs.appendFile(log, torn.slice(0, 20));
    const reopened = await open();
    expect(await reopened.get("1000")).toBeUndefined();
    expect(await reopened.get("1001")).toBeDefined();
    await reopened.remove(["1002"]);
    const again = await open();
    expect(await again.count()).toBe(48);
    expect(await again.get("1001")).toBeDefined();
  });

  it("compaction folds the log into a new generation; other instances and stale writers move over", async () => {
    const a = await open();
    const b = await open();
    const fresh = unit(random);
    await a.upsert([{ item: item("new-1", "Bags"), vector: fresh }]);
    await a.remove(["1000", "1001"]);
    const before = await a.search(fresh, { k: 10 });
    const result = await a.compact(model);
    expect(result.items).toBe(49);
    expect(a.info()).toMatchObject({ generation: result.generation, logBytes: 0 });
    expect(await a.search(fresh, { k: 10 })).toEqual(before);
    // b still serves the old generation until it refreshes; its next write lands in the new one.
    await b.upsert([{ item: item("after", "Bags"), vector: unit(random) }]);
    expect(b.info().generation).toBe(result.generation);
    const c = await open();
    expect(c.info().generation).toBe(result.generation);
    expect(await c.count()).toBe(50);
    expect(await c.get("after")).toBeDefined();
    expect(await c.get("1000")).toBeUndefined();
    expect((await c.search(fresh, { k: 10 })).map((h) => h.item.id)).toEqual([...before.map((h) => h.item.id)].slice(0, 10));
  });

  it("during compaction searches go on while writes wait, then land in the new generation", async () => {
    const a = await open();
    const b = await open();
    await a.upsert([{ item: item("new-1", "Bags"), vector: unit(random) }]);
    await b.refresh();
    // Compaction stops at the start of its fold, under the lock, until the test lets it go on.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => {
      foldHooks.beforeFold = async () => {
        resolve();
        await held;
      };
    });
    const compaction = a.compact(model);
    await inside;
    expect(await b.search(unit(random), { k: 3 })).toHaveLength(3);
    let written = false;
    const write = b.upsert([{ item: item("during", "Bags"), vector: unit(random) }]).then(() => {
      written = true;
    });
    expect(await b.search(unit(random), { k: 3 })).toHaveLength(3);
    expect(written).toBe(false);
    release();
    const { generation } = await compaction;
    await write;
    // The write waited for the lock: it is not in the compacted files but in the new generation's log.
    const { readCatalog } = await import("../../catalog/store");
    const published = await readCatalog(dir);
    expect(published.generation).toBe(generation);
    expect(published.items.map((i) => i.id)).toContain("new-1");
    expect(published.items.map((i) => i.id)).not.toContain("during");
    expect(b.info().generation).toBe(generation);
    expect(await (await open()).get("during")).toBeDefined();
  });

  it("a filter value no product has matches nothing (which values a request may name is decided at the boundary)", async () => {
    const store = await open();
    const query = unit(random);
    expect(await store.search(query, { k: 5, filters: { gender: "Nobody" } })).toEqual([]);
    expect(await store.search(query, { k: 5, filters: { gender: "Men", articleType: "Nothing" } })).toEqual([]);
    // A value whose last product is removed behaves the same.
    const bags = base.items.filter((i) => i.label === "Bags").map((i) => i.id);
    await store.remove(bags);
    expect(await store.search(query, { k: 5, filters: { articleType: "Bags" } })).toEqual([]);
    expect(await store.search(query, { k: 5, filters: { articleType: "Shirts" } })).toHaveLength(5);
  });

  it("keeps serving its generation when a newer one does not load (no index for this model)", async () => {
    const store = await open();
    const { readCatalog } = await import("../../catalog/store");
    const { manifest, items } = await readCatalog(dir);
    await publishCatalog(dir, { ...manifest, itemCount: 10 }, items.slice(0, 10), {});
    expect(await store.refresh()).toBe(false);
    expect(await store.count()).toBe(50);
    expect(await store.search(unit(random), { k: 3 })).toHaveLength(3);
    await expect(open()).rejects.toMatchObject({ code: "not_ready" });
  });

  it("refuses vectors of the wrong size or with NaN", async () => {
    const store = await open();
    await expect(store.upsert([{ item: item("x", "Bags"), vector: new Float32Array(3) }])).rejects.toMatchObject({ code: "bad_request" });
    await expect(store.upsert([{ item: item("x", "Bags"), vector: new Float32Array(dim).fill(Number.NaN) }])).rejects.toMatchObject({ code: "bad_request" });
    expect(await store.count()).toBe(50);
  });
});

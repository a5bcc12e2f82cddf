/**
 * The pgvector backend against a real Postgres engine (PGlite + pgvector 0.8,
 * reached through `pg` over the wire protocol), checked against exact search
 * (FlatIndex) on a real catalog's served vectors: data/catalog-small by default,
 * or PGVECTOR_PARITY_CATALOG=data/catalog for the 40K measurement in docs/pgvector.md.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexPathFor } from "../catalog/index-path";
import { readCatalog } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { loadConfig } from "../config";
import { AppError } from "../errors";
import { createRowMask, type FlatIndex } from "../index/flat-index";
import { loadFlatIndex } from "../index/index-file";
import { resolveServedModel } from "../model/manifest";
import { findFreePort } from "../net/free-port";
import { createRng } from "../random";
import { startPgliteServer, type PgliteServer } from "../../tests/helpers/pglite-server";
import { createVectorStore } from "./create-store";
import { PgVectorStore } from "./pgvector";
import { syncCatalogToPg } from "./pg-sync";
import { syncCatalogToStore } from "./sync-catalog";
import type { SearchFilters, StoreHit } from "./types";

const catalogDir = process.env.PGVECTOR_PARITY_CATALOG ?? "data/catalog-small";
const queryCount = Number(process.env.PGVECTOR_PARITY_QUERIES ?? 60);
// Scores from Postgres (float4 vectors, its own summation order) and from the flat index differ in the last bits.
const TIE = 2e-5;

let server: PgliteServer;
let store: PgVectorStore;
let items: CatalogItem[];
let index: FlatIndex;
let modelId: string;

beforeAll(async () => {
  const catalog = await readCatalog(catalogDir);
  items = catalog.items;
  const model = await resolveServedModel(loadConfig().MODELS_DIR);
  modelId = model.id;
  index = (await loadFlatIndex(indexPathFor(catalog.generationDir, model.id))).index;
  server = await startPgliteServer();
  store = await PgVectorStore.open({ connectionString: server.url, modelId, dim: index.dim, maxConnections: 1 });
  const report = await syncCatalogToPg(store, items, index, { batchSize: 2000 });
  expect(report.bulk).toBe(true);
  console.log(
    `pgvector sync: ${items.length} items of ${catalogDir}: load ${report.seconds.toFixed(1)} s + HNSW build ${report.indexSeconds.toFixed(1)} s`,
  );
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

/**
 * Query vectors: catalog items searched without themselves ("more like this", the protocol of
 * decision 0002), or, as a stress measurement only, normalised blends of two random items.
 */
function queries(kind: "items" | "blends" = "items"): { vector: Float32Array; self?: string }[] {
  const random = createRng(kind === "items" ? 7 : 8);
  const pick = () => Math.floor(random() * index.count);
  return Array.from({ length: queryCount }, () => {
    const a = pick();
    if (kind === "items") return { vector: index.vector(a).slice(), self: index.ids[a] };
    const b = pick();
    const v = index.vector(a).map((x, i) => x + index.vector(b)[i]!);
    const norm = Math.hypot(...v);
    return { vector: v.map((x) => x / norm) };
  });
}

/** Mean recall@10 of the store against exact search, and the median latency of its searches. */
async function measureRecall(list: { vector: Float32Array; self?: string }[]): Promise<{ recall: number; p50: number }> {
  let found = 0;
  let wanted = 0;
  const latencies: number[] = [];
  for (const { vector, self } of list) {
    const exclude = self === undefined ? [] : [index.rowOf(self)!];
    const exact = index.search(vector, 10, { exclude }).map((h) => h.id);
    const t0 = performance.now();
    const hits = await store.search(vector, { k: 10, excludeIds: self === undefined ? [] : [self] });
    latencies.push(performance.now() - t0);
    const got = new Set(hits.map((h) => h.item.id));
    expect(got.has(self ?? "")).toBe(false);
    found += exact.filter((id) => got.has(id)).length;
    wanted += exact.length;
  }
  latencies.sort((a, b) => a - b);
  return { recall: found / wanted, p50: latencies[latencies.length >> 1]! };
}

/** Asserts `hits` is an exact top-k: same length, and rank by rank the same exact (boosted) score as the exact search. */
function expectExactTopK(hits: StoreHit[], expected: { id: string; score: number }[], query: Float32Array, boostOf = (_: CatalogItem) => 0): void {
  expect(hits.map((h) => h.item.id)).toHaveLength(expected.length);
  expect(new Set(hits.map((h) => h.item.id)).size).toBe(hits.length);
  hits.forEach((hit, rank) => {
    const row = index.rowOf(hit.item.id)!;
    const exact = index.score(query, row);
    expect(Math.abs(hit.score - exact)).toBeLessThan(TIE);
    expect(Math.abs(exact + boostOf(hit.item) - expected[rank]!.score)).toBeLessThan(TIE);
  });
}

describe("pgvector store: catalog round trip", () => {
  it("holds every item in catalog order with its exact vector", async () => {
    expect(await store.count()).toBe(items.length);
    expect((await store.listItems()).map((i) => i.id)).toEqual(items.map((i) => i.id));
    for (const row of [0, Math.floor(items.length / 2), items.length - 1]) {
      const entry = await store.get(items[row]!.id);
      expect(entry?.item).toEqual(items[row]);
      expect(Array.from(entry!.vector)).toEqual(Array.from(index.vector(index.rowOf(items[row]!.id)!)));
    }
    expect(await store.get("no-such-id")).toBeUndefined();
  });

  it("re-syncing is idempotent", async () => {
    const report = await syncCatalogToStore(store, items.slice(0, -50), index, { batchSize: 2000 });
    expect(report.removed).toBe(50);
    expect(await store.count()).toBe(items.length - 50);
    const again = await syncCatalogToStore(store, items, index, { batchSize: 2000 });
    expect(again).toMatchObject({ removed: 0, total: items.length });
    expect((await store.listItems()).map((i) => i.id)).toEqual(items.map((i) => i.id));
  });
});

describe("pgvector store: parity with exact search", () => {
  it("top-10 recall against the flat index is at least 0.99", async () => {
    const items = await measureRecall(queries("items"));
    const blends = await measureRecall(queries("blends"));
    console.log(
      `pgvector recall@10 over ${queryCount} queries: catalog items ${items.recall.toFixed(4)} (p50 ${items.p50.toFixed(1)} ms), ` +
        `blends of two items ${blends.recall.toFixed(4)} (p50 ${blends.p50.toFixed(1)} ms)`,
    );
    expect(items.recall).toBeGreaterThanOrEqual(0.99);
  });

  it("filtered searches return exactly the exact filtered top-k", async () => {
    const values = (key: keyof SearchFilters) => [...new Set(items.map((i) => i[key]))].sort();
    const filterSets: SearchFilters[] = [
      ...values("gender").map((gender) => ({ gender })),
      ...values("masterCategory").slice(0, 3).map((masterCategory) => ({ masterCategory })),
      ...values("articleType").slice(0, 4).map((articleType) => ({ articleType, gender: items.find((i) => i.articleType === articleType)!.gender })),
      { baseColour: values("baseColour")[0]! },
    ];
    for (const filters of filterSets) {
      const mask = createRowMask(index.count, (row) => Object.entries(filters).every(([k, v]) => items[row]![k as keyof SearchFilters] === v));
      for (const { vector } of queries().slice(0, 6)) {
        const expected = index.search(vector, 10, { mask });
        const hits = await store.search(vector, { k: 10, filters });
        for (const hit of hits) expect(hit.item).toMatchObject(filters);
        expectExactTopK(hits, expected, vector);
      }
    }
  });

  it("label boosts rank exactly like the flat index's boosted search", async () => {
    const labels = [...new Set(items.map((i) => i.label))];
    const random = createRng(11);
    for (const [q, { vector, self }] of queries().slice(0, 30).entries()) {
      // Like the served ranker (weight 0.05 × a peaked distribution over every label), and, every
      // other query, large flat boosts that make the labels searched together decide the ranking.
      const peaked = q % 2 === 0;
      const raw = labels.map(() => (peaked ? random() ** 8 : random()));
      const total = raw.reduce((a, b) => a + b, 0);
      const weight = peaked ? 0.05 : 0.5 * labels.length;
      const labelBoost = Object.fromEntries(labels.map((label, i) => [label, (weight * raw[i]!) / total]));
      const boost = Float32Array.from(items, (item) => labelBoost[item.label] ?? 0);
      const exclude = self === undefined ? [] : [index.rowOf(self)!];
      const expected = index.search(vector, 10, { boost, exclude }).map((h) => ({ id: h.id, score: index.score(vector, h.row) + boost[h.row]! }));
      const hits = await store.search(vector, { k: 10, labelBoost, excludeIds: self === undefined ? [] : [self] });
      expectExactTopK(hits, expected, vector, (item) => labelBoost[item.label] ?? 0);
    }
  });
});

describe("pgvector store: writes and errors", () => {
  let scratch: PgVectorStore;
  const template = () => items[0]!;

  beforeAll(async () => {
    scratch = await PgVectorStore.open({ connectionString: server.url, modelId: "roundtrip_test", dim: 4, maxConnections: 1 });
  });
  afterAll(async () => scratch?.close());

  it("upserts, updates and removes", async () => {
    const a = { ...template(), id: "a", gender: "Men" };
    const b = { ...template(), id: "b", gender: "Women" };
    await scratch.upsert([{ item: a, vector: new Float32Array([1, 0, 0, 0]) }, { item: b, vector: new Float32Array([0, 1, 0, 0]) }]);
    expect(await scratch.count()).toBe(2);
    await scratch.upsert([{ item: { ...a, productDisplayName: "renamed" }, vector: new Float32Array([0.6, 0.8, 0, 0]) }]);
    expect((await scratch.get("a"))?.item.productDisplayName).toBe("renamed");
    expect(Array.from((await scratch.get("a"))!.vector)).toEqual(Array.from(new Float32Array([0.6, 0.8, 0, 0])));
    const updated = await scratch.update("b", { gender: "Men" });
    expect(updated.gender).toBe("Men");
    const men = await scratch.search(new Float32Array([0, 1, 0, 0]), { k: 5, filters: { gender: "Men" } });
    expect(men.map((h) => h.item.id)).toEqual(["b", "a"]);
    expect(men[0]!.score).toBeCloseTo(1, 6);
    expect(men[1]!.score).toBeCloseTo(0.8, 6);
    await expect(scratch.update("zzz", { gender: "Men" })).rejects.toMatchObject({ code: "not_found" });
    await expect(scratch.update("a", { id: "x" } as never)).rejects.toMatchObject({ code: "bad_request" });
    expect(await scratch.remove(["a", "zzz"])).toBe(1);
    expect(await scratch.get("a")).toBeUndefined();
    expect((await scratch.listItems()).map((i) => i.id)).toEqual(["b"]);
  });

  it("rejects bad input and loses nothing", async () => {
    const before = await scratch.count();
    const good = { item: { ...template(), id: "c" }, vector: new Float32Array(4) };
    await expect(scratch.upsert([good, { item: { ...template(), id: "d" }, vector: new Float32Array(3) }])).rejects.toMatchObject({ code: "bad_request" });
    await expect(scratch.upsert([good, good])).rejects.toMatchObject({ code: "bad_request" });
    await expect(scratch.upsert([{ item: { ...template(), id: "" }, vector: new Float32Array(4) }])).rejects.toMatchObject({ code: "bad_request" });
    await expect(scratch.upsert([{ item: good.item, vector: new Float32Array([NaN, 0, 0, 0]) }])).rejects.toMatchObject({ code: "bad_request" });
    expect(await scratch.count()).toBe(before);
    await expect(scratch.search(new Float32Array(5), { k: 3 })).rejects.toMatchObject({ code: "bad_request" });
    await expect(scratch.get("")).rejects.toMatchObject({ code: "bad_request" });
    await expect(scratch.remove([""])).rejects.toMatchObject({ code: "bad_request" });
    await expect(scratch.search(new Float32Array(4), { k: 0 })).rejects.toMatchObject({ code: "bad_request" });
    await expect(scratch.search(new Float32Array(4), { k: 3, filters: { colour: "Red" } as never })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("refuses a table built for another dimension", async () => {
    const error = await PgVectorStore.open({ connectionString: server.url, modelId: "roundtrip_test", dim: 8, maxConnections: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "not_ready", message: expect.stringMatching(/dimension 8/) });
  });

  it("answers not_ready when the server lacks pgvector", async () => {
    const bare = await startPgliteServer({ withoutVector: true });
    try {
      const error = await PgVectorStore.open({ connectionString: bare.url, modelId, dim: 4, maxConnections: 1 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "not_ready", message: expect.stringContaining("CREATE EXTENSION vector") });
    } finally {
      await bare.stop();
    }
  });

  it("answers not_ready when the database is unreachable", async () => {
    const port = await findFreePort();
    const t0 = performance.now();
    const error = await PgVectorStore.open({ connectionString: `postgres://u:secret@127.0.0.1:${port}/db`, modelId, dim: 4, connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "not_ready", message: expect.stringContaining(`127.0.0.1:${port}/db`) });
    expect((error as Error).message).not.toContain("secret");
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});

describe("createVectorStore", () => {
  it("opens the embedded store by default and pgvector when configured, each reporting its index kind", async () => {
    const config = { ...loadConfig(env({})), CATALOG_DIR: catalogDir };
    expect(config.VECTOR_BACKEND).toBe("embedded");
    const embedded = await createVectorStore(config, { id: modelId, dim: index.dim });
    expect(embedded.backend).toBe("embedded");
    expect(await embedded.count()).toBe(items.length);
    expect(embedded.info()).toMatchObject({ indexKind: "flat", indexId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    await embedded.close();
    await expect(createVectorStore(config, { id: modelId, dim: index.dim + 1 })).rejects.toMatchObject({ code: "not_ready" });
    const pgConfig = loadConfig(env({ VECTOR_BACKEND: "pgvector", DATABASE_URL: server.url, DATABASE_POOL_MAX: "1" }));
    const pgStore = await createVectorStore(pgConfig, { id: "roundtrip_test", dim: 4 });
    expect(pgStore.backend).toBe("pgvector");
    expect(pgStore.info()).toEqual({ indexId: "pgvector", indexKind: "hnsw" });
    await pgStore.close();
    // Past pgvector's 2,000-dimension HNSW limit there is no graph: every search scans exactly.
    const wide = await createVectorStore(pgConfig, { id: "wide_test", dim: 2048 });
    expect(wide.info()).toEqual({ indexId: "pgvector", indexKind: "flat" });
    await wide.close();
  });

  it("requires DATABASE_URL for the pgvector backend", () => {
    expect(() => loadConfig(env({ VECTOR_BACKEND: "pgvector" }))).toThrow(/DATABASE_URL is required/);
    expect(() => loadConfig(env({ VECTOR_BACKEND: "pgvector", DATABASE_URL: "" }))).toThrow(/DATABASE_URL is required/);
    expect(loadConfig(env({ DATABASE_URL: "" })).DATABASE_URL).toBeUndefined();
    expect(() => loadConfig(env({ VECTOR_BACKEND: "mysql" }))).toThrow();
  });
});

function env(vars: Record<string, string>): NodeJS.ProcessEnv {
  return vars as NodeJS.ProcessEnv;
}

/**
 * The whole engine on both backends: one search service over the embedded store and one over
 * pgvector (PGlite through `pg`, VECTOR_BACKEND=pgvector), same small catalog and model. Photo
 * searches, "more like this" (category boosts) and filters must give the same products.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexPathFor } from "../catalog/index-path";
import { readCatalog } from "../catalog/store";
import { loadConfig } from "../config";
import { loadFlatIndex } from "../index/index-file";
import { resolveServedModel } from "../model/manifest";
import { createSearchService } from "../search/search-service";
import type { SearchHit, SearchService } from "../search/types";
import { startPgliteServer, type PgliteServer } from "../../tests/helpers/pglite-server";
import { syncCatalogToPg } from "./pg-sync";
import { PgVectorStore } from "./pgvector";

const catalogDir = "data/catalog-small";
// Postgres scores float4 vectors in its own summation order: the last bits differ.
const TIE = 2e-5;

let server: PgliteServer;
let embedded: SearchService;
let pgvector: SearchService;

beforeAll(async () => {
  const base = loadConfig({ ...process.env, CATALOG_DIR: catalogDir });
  const catalog = await readCatalog(base.CATALOG_DIR);
  const model = await resolveServedModel(base.MODELS_DIR, base.MODEL_NAME);
  const { index } = await loadFlatIndex(indexPathFor(catalog.generationDir, model.id));
  server = await startPgliteServer();
  const store = await PgVectorStore.open({ connectionString: server.url, modelId: model.id, dim: index.dim, maxConnections: 1 });
  try {
    await syncCatalogToPg(store, catalog.items, index);
  } finally {
    await store.close();
  }
  embedded = await createSearchService(base);
  pgvector = await createSearchService(
    loadConfig({ ...process.env, CATALOG_DIR: catalogDir, VECTOR_BACKEND: "pgvector", DATABASE_URL: server.url, DATABASE_POOL_MAX: "1" }),
  );
});

afterAll(async () => {
  await server?.stop();
});

/**
 * Same ranking: rank by rank the same cosine (so the same products, up to swaps among equal
 * scores), no product twice, and the same products wherever scores are not tied.
 */
function expectSameHits(actual: SearchHit[], expected: SearchHit[]): void {
  expect(actual).toHaveLength(expected.length);
  expect(new Set(actual.map((h) => h.item.id)).size).toBe(actual.length);
  actual.forEach((hit, rank) => {
    const want = expected[rank]!;
    expect(Math.abs(hit.score - want.score)).toBeLessThan(TIE);
    // A tie partner may sit just past the cut-off of one list (near-identical photos at rank k).
    const tied = [...expected, ...actual].some((other) => other.item.id !== want.item.id && Math.abs(other.score - want.score) < TIE);
    if (!tied) expect(hit.item.id).toBe(want.item.id);
  });
}

describe("search service on the pgvector backend", () => {
  it("serves the same catalog", () => {
    expect(pgvector.items.map((i) => i.id)).toEqual(embedded.items.map((i) => i.id));
  });

  it("reports each backend's real index kind in health", () => {
    expect(embedded.health().index.kind).toBe("flat");
    // pgvector builds no HNSW graph past 2,000 dimensions (the 2048-d backbone): then it scans exactly.
    expect(pgvector.health().index).toEqual({ id: "pgvector", kind: pgvector.model.embedding.dim > 2000 ? "flat" : "hnsw", size: embedded.items.length });
  });

  it("answers photo searches like the embedded store", async () => {
    for (const item of embedded.items.filter((_, row) => row % 40 === 3)) {
      const bytes = new Uint8Array(await readFile(embedded.imageFile(item.id).path));
      const a = await embedded.searchByImage(bytes, { k: 10 });
      const b = await pgvector.searchByImage(bytes, { k: 10 });
      // The neighbour vote weighs neighbours by cos¹⁰, so last-bit score differences show at 1e-6.
      expect(b.predicted?.map((p) => p.label)).toEqual(a.predicted?.map((p) => p.label));
      b.predicted?.forEach((p, i) => expect(p.confidence).toBeCloseTo(a.predicted![i]!.confidence, 4));
      expectSameHits(b.hits, a.hits);
      const filters = { gender: item.gender };
      expectSameHits((await pgvector.searchByImage(bytes, { k: 10, filters })).hits, (await embedded.searchByImage(bytes, { k: 10, filters })).hits);
    }
  });

  it("answers 'more like this' (category-boosted, filtered) like the embedded store", async () => {
    for (const item of embedded.items.filter((_, row) => row % 16 === 5)) {
      expectSameHits((await pgvector.similarTo(item.id, { k: 12 })).hits, (await embedded.similarTo(item.id, { k: 12 })).hits);
      const filters = { masterCategory: item.masterCategory };
      expectSameHits((await pgvector.similarTo(item.id, { k: 5, filters })).hits, (await embedded.similarTo(item.id, { k: 5, filters })).hits);
    }
    await expect(pgvector.similarTo("no-such-id", { k: 5 })).rejects.toMatchObject({ code: "not_found" });
  });
});

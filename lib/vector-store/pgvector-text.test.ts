/**
 * Postgres full-text search in the pgvector store (PGlite + pgvector, real SQL) on a tiny
 * hand-made catalog: every word must match (plurals stemmed, the last word as a prefix), words
 * alone rank by ts_rank, words with a vector keep the cosine order among the matching rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { startPgliteServer, type PgliteServer } from "../../tests/helpers/pglite-server";
import { PgVectorStore } from "./pgvector";
import { buildTextSql } from "./pgvector-search";
import { toTsQueryText } from "./pgvector-schema";

const item = (id: string, productDisplayName: string, articleType: string, baseColour: string, gender = "Men"): CatalogItem => ({
  id, productDisplayName, articleType, baseColour, gender, masterCategory: "Footwear", subCategory: articleType, season: "Summer", year: "2012", usage: "Casual",
  imageHash: id.padStart(64, "0"), imageExt: "jpg", width: 60, height: 80, label: articleType, split: "train",
});
const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};
const entries = [
  { item: item("1", "Puma Men Black Casual Shoes", "Casual Shoes", "Black"), vector: unit(1, 0, 0, 0) },
  { item: item("2", "Nike Men Black Running Shoe", "Sports Shoes", "Black"), vector: unit(0.9, 0.1, 0, 0) },
  { item: item("3", "Puma Men Black Watch", "Watches", "Black"), vector: unit(0, 1, 0, 0) },
  { item: item("4", "Puma Women Red Shoe", "Casual Shoes", "Red", "Women"), vector: unit(0.8, 0, 0.2, 0) },
  { item: item("5", "Red Shoe", "Casual Shoes", "Black"), vector: unit(0, 0, 0, 1) },
];

let server: PgliteServer;
let store: PgVectorStore;

beforeAll(async () => {
  server = await startPgliteServer();
  store = await PgVectorStore.open({ connectionString: server.url, modelId: "texttest", dim: 4, maxConnections: 1 });
  await store.upsert(entries);
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

const ids = (hits: { item: CatalogItem }[]) => hits.map((h) => h.item.id);

describe("pgvector text search", () => {
  it("builds a tsquery of lib/text's terms: all required, the last a prefix", () => {
    expect(toTsQueryText("Puma  SHOES!")).toBe("puma & shoe:*");
    expect(() => toTsQueryText("!!")).toThrow(expect.objectContaining({ code: "bad_request" }));
    const { sql, params } = buildTextSql("t", { text: "puma", filters: { gender: "Men" }, excludeIds: ["9"] }, 5);
    expect(params).toEqual(["puma:*", "Men", ["9"]]);
    expect(sql).toMatch(/@@ to_tsquery\('english', \$1\)/);
    expect(sql).toMatch(/ORDER BY rank DESC, seq LIMIT 5/);
  });

  it("matches every word, plurals folded, the last word as a prefix", async () => {
    expect(ids(await store.searchText("puma shoes", { k: 10 })).sort()).toEqual(["1", "4"]);
    expect(ids(await store.searchText("PUMA wat", { k: 10 }))).toEqual(["3"]);
    expect(await store.searchText("adidas", { k: 10 })).toEqual([]);
  });

  it("ranks by ts_rank: the word in the name and the colour above the name alone", async () => {
    const hits = await store.searchText("red", { k: 10 });
    expect(ids(hits)).toEqual(["4", "5"]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it("applies filters, exclusions and k", async () => {
    expect(ids(await store.searchText("shoe", { k: 10, filters: { gender: "Women" } }))).toEqual(["4"]);
    expect(ids(await store.searchText("puma", { k: 10, excludeIds: ["3"] })).sort()).toEqual(["1", "4"]);
    expect(await store.searchText("shoe", { k: 2 })).toHaveLength(2);
  });

  it("restricts a vector search to the matching rows, in cosine order, in the same query", async () => {
    const query = unit(1, 0, 0, 0);
    expect(ids(await store.search(query, { k: 3 }))).toEqual(["1", "2", "4"]);
    expect(ids(await store.search(query, { k: 3, text: "puma" }))).toEqual(["1", "4", "3"]);
    expect(ids(await store.search(query, { k: 3, text: "puma shoe", labelBoost: { Watches: 5 } }))).toEqual(["1", "4"]);
  });

  it("finds an edit on the next query", async () => {
    await store.update("2", { productDisplayName: "Reebok Men Black Running Shoe" });
    expect(ids(await store.searchText("reebok", { k: 10 }))).toEqual(["2"]);
    await store.remove(["2"]);
    expect(await store.searchText("reebok", { k: 10 })).toEqual([]);
  });
});

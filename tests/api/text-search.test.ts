/**
 * Text search over the route handlers and a private copy of the small catalog: words alone
 * (GET, ranked by text score, filters, k and offset), words with a photo (POST: only products
 * holding every word, ranked by similarity), the 400s, and a live edit findable on the next request.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { foldText } from "@/lib/text/tokenise";
import { copyCatalog } from "../helpers/live-catalog";
import { formWith, readFileBytes, searchRequest } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "test-admin-token-0123456789abcdefgh";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;

const search = await import("@/app/api/search/route");
const item = await import("@/app/api/items/[id]/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { fields: _f, ...runtime } = { fields: 0, ...(await getSearchRuntime()) };
const items = runtime.service.items;

type Result = { id: string; score: number; quality: number; articleType: string; gender: string; productDisplayName: string };
type Body = { results: Result[]; error?: { code: string; message: string } };

const getText = (query: string) => search.GET(new Request(`http://localhost/api/search?${query}`));
async function results(query: string): Promise<Result[]> {
  const response = await getText(query);
  expect(response.status).toBe(200);
  return ((await response.json()) as Body).results;
}
/** Does the product's name or metadata hold `word` as a word (case folded)? Plain string work, independent of the index. */
const holds = (id: string, word: string) => {
  const record = items.find((i) => i.id === id) ?? runtime.service.getItem(id)!;
  const all = foldText(Object.values(record).filter((v) => typeof v === "string").join(" "));
  return new RegExp(`(^|[^a-z0-9])${word}`).test(all);
};

// The commonest brand (a name's first word) of the small catalog, so there are pages of it.
const brandCounts = new Map<string, number>();
for (const i of items) {
  const brand = foldText(i.productDisplayName.split(" ")[0] ?? "");
  if (/^[a-z]{4,}$/.test(brand)) brandCounts.set(brand, (brandCounts.get(brand) ?? 0) + 1);
}
const [brand, brandCount] = [...brandCounts].sort((a, b) => b[1] - a[1])[0]!;

afterAll(() => {
  (globalThis as { __searchRuntime?: unknown }).__searchRuntime = undefined;
});

describe("GET /api/search?text=", () => {
  it("returns the products holding the word, best text match first, relative score 1 for the best", async () => {
    expect(brandCount).toBeGreaterThan(12);
    const found = await results(`text=${brand.toUpperCase()}&k=100`);
    expect(found.length).toBe(Math.min(100, items.filter((i) => holds(i.id, brand)).length));
    for (const r of found) expect(holds(r.id, brand)).toBe(true);
    expect(found[0]!.score).toBe(1);
    for (let i = 1; i < found.length; i++) expect(found[i]!.score).toBeLessThanOrEqual(found[i - 1]!.score);
    expect(found.every((r) => r.quality === 1)).toBe(true);
  });

  it("pages with k and offset, and filters inside the search", async () => {
    const all = await results(`text=${brand}&k=12`);
    const second = await results(`text=${brand}&k=6&offset=6`);
    expect(second.map((r) => r.id)).toEqual(all.slice(6, 12).map((r) => r.id));
    const gender = items.find((i) => holds(i.id, brand))!.gender;
    const filtered = await results(`text=${brand}&k=100&gender=${encodeURIComponent(gender)}`);
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((r) => r.gender === gender && holds(r.id, brand))).toBe(true);
    expect(filtered.length).toBe(Math.min(100, items.filter((i) => i.gender === gender && holds(i.id, brand)).length));
  });

  it("refuses missing, blank, too long and wordless text with a clear 400", async () => {
    for (const [query, message] of [
      ["k=5", /text is empty/],
      ["text=%20%20", /text is empty/],
      [`text=${"a".repeat(201)}`, /too long/],
      ["text=%21%21%3F", /no letters or digits/],
      ["text=shoe&crop=auto", /crop/],
    ] as const) {
      const response = await getText(query);
      const body = (await response.json()) as Body;
      expect({ query, status: response.status, code: body.error?.code }).toEqual({ query, status: 400, code: "bad_request" });
      expect(body.error!.message).toMatch(message);
    }
  });
});

describe("POST /api/search with text", () => {
  const target = items.find((i) => holds(i.id, brand) && !i.blank)!;
  const photoOf = async (id: string) => readFileBytes(runtime.service.imageFile(id).path);
  const post = async (photo: Uint8Array, query: string) => search.POST(searchRequest(formWith([["image", photo, "q.jpg", "image/jpeg"]]), query));

  it("keeps only the products holding every word, ranked by similarity (the photo's own product first)", async () => {
    const response = await post(await photoOf(target.id), `?k=10&text=${brand}`);
    expect(response.status).toBe(200);
    const found = ((await response.json()) as Body).results;
    expect(found[0]!.id).toBe(target.id);
    expect(found.every((r) => holds(r.id, brand))).toBe(true);
    const plain = ((await (await post(await photoOf(target.id), "?k=10")).json()) as Body).results;
    // Without the words, other brands come in.
    expect(plain.some((r) => !holds(r.id, brand))).toBe(true);
  });

  it("leaves out the photo's own product when it lacks a word", async () => {
    const other = [...brandCounts.keys()].find((b) => b !== brand && !holds(target.id, b))!;
    const response = await post(await photoOf(target.id), `?k=10&text=${other}`);
    const found = ((await response.json()) as Body).results;
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((r) => r.id === target.id)).toBe(false);
    expect(found.every((r) => holds(r.id, other))).toBe(true);
  });

  it("refuses too long or wordless text with 400", async () => {
    const photo = await photoOf(target.id);
    for (const query of [`?text=${"b".repeat(201)}`, "?text=%2A%2A"]) {
      const response = await post(photo, query);
      expect(response.status).toBe(400);
      expect(((await response.json()) as Body).error!.message).toMatch(/text/);
    }
  });
});

describe("live edits", () => {
  it("a renamed product is found by its new word on the next request, and gone once removed", async () => {
    const id = items.find((i) => !i.blank)!.id;
    const word = "zanzibarium";
    expect(await results(`text=${word}`)).toEqual([]);
    const patched = await item.PATCH(
      new Request(`http://localhost/api/items/${id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ productDisplayName: `Zanzibarium Deluxe Shoes` }),
      }),
      { params: Promise.resolve({ id }) },
    );
    expect(patched.status).toBe(200);
    expect((await results(`text=${word}%20shoe`)).map((r) => r.id)).toEqual([id]);
    // The prefix of the last word as it is being typed.
    expect((await results("text=zanzib")).map((r) => r.id)).toEqual([id]);
    const removed = await item.DELETE(new Request(`http://localhost/api/items/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({ id }),
    });
    expect(removed.status).toBe(200);
    expect(await results(`text=${word}`)).toEqual([]);
  });
});

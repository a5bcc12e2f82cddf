import { beforeAll, describe, expect, it, vi } from "vitest";
import { formWith, readFileBytes, searchRequest, useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const similar = await import("@/app/api/items/[id]/similar/route");
const { POST } = await import("@/app/api/search/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { service } = await getSearchRuntime();
const item = service.items[0]!;

type Body = { results: { id: string; score: number; productDisplayName: string; articleType: string }[]; facets?: Record<string, { value: string; count: number }[]> };
type ErrorBody = { error: { code: string; message: string } };

const context = (id: string) => ({ params: Promise.resolve({ id }) });
const similarTo = async (query: string) => similar.GET(new Request(`http://localhost/api/items/${item.id}/similar?${query}`), context(item.id));
const ids = (body: Body) => body.results.map((r) => r.id);

describe("GET /api/items/{id}/similar: feedback", () => {
  it("leaves the disliked items out and moves towards the liked ones", async () => {
    const plain = (await (await similarTo("k=20")).json()) as Body;
    const disliked = plain.results.slice(0, 3).map((r) => r.id);
    // A liked item from another category than the query pulls results of that category up.
    const other = service.items.find((candidate) => candidate.articleType !== item.articleType)!;
    const response = await similarTo(`k=20&negative=${disliked.join(",")}&positive=${other.id}`);
    expect(response.status).toBe(200);
    const refined = (await response.json()) as Body;
    expect(ids(refined)).toHaveLength(20);
    for (const id of disliked) expect(ids(refined)).not.toContain(id);
    const count = (body: Body) => body.results.filter((r) => r.articleType === other.articleType).length;
    expect(count(refined)).toBeGreaterThan(count(plain));
  });

  it("leaves a disliked item out even where the update alone would keep it (a filter returning every item of a type)", async () => {
    const counts = new Map<string, number>();
    for (const { articleType } of service.items) counts.set(articleType, (counts.get(articleType) ?? 0) + 1);
    const type = [...counts].find(([value, count]) => value !== item.articleType && count >= 3 && count <= 100)![0];
    const query = `k=100&articleType=${encodeURIComponent(type)}`;
    const all = ids((await (await similarTo(query)).json()) as Body);
    expect(all).toHaveLength(counts.get(type)!);
    const disliked = all.at(-1)!;
    const refined = ids((await (await similarTo(`${query}&negative=${disliked}`)).json()) as Body);
    expect(refined.sort()).toEqual(all.filter((id) => id !== disliked).sort());
  });

  it("400 naming unknown ids, an id marked both ways, and too many ids", async () => {
    const unknown = await similarTo(`positive=no-such-1&negative=${item.id},no-such-2`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorBody).error.message).toMatch(/no-such-1, no-such-2/);
    const both = await similarTo(`positive=${item.id}&negative=${item.id}`);
    expect(((await both.json()) as ErrorBody).error.message).toMatch(/both positive and negative/);
    const many = await similarTo(`negative=${service.items.slice(0, 21).map((i) => i.id).join(",")}`);
    expect(((await many.json()) as ErrorBody).error).toMatchObject({ code: "bad_request", message: expect.stringMatching(/at most 20/) });
  });
});

describe("GET /api/items/{id}/similar: paging, sort, facets", () => {
  it("offset continues where the first page ended", async () => {
    const all = ids((await (await similarTo("k=30")).json()) as Body);
    const second = ids((await (await similarTo("k=10&offset=10")).json()) as Body);
    expect(second).toEqual(all.slice(10, 20));
  });

  it("sort=name orders the best matches by product name", async () => {
    const body = (await (await similarTo("k=50&sort=name")).json()) as Body;
    const names = body.results.map((r) => r.productDisplayName.toLowerCase());
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
  });

  it("facets=true counts the filter values among the best matches, each count a real number of results", async () => {
    const body = (await (await similarTo("k=5&facets=true")).json()) as Body;
    const top = body.facets!.articleType![0]!;
    const filtered = (await (await similarTo(`k=100&articleType=${encodeURIComponent(top.value)}`)).json()) as Body;
    // The small catalog is under EXPLORE_MAX items, so the counts cover everything a filter can return.
    expect(filtered.results.length).toBe(Math.min(top.count, 100));
  });

  it("400 for a bad offset, k + offset past the bound, or a bad sort", async () => {
    for (const [query, message] of [
      ["offset=-3", /offset must be a whole number/],
      ["k=100&offset=401", /k \+ offset at most 500/],
      ["sort=price", /sort must be one of match, name/],
      ["facets=yes", /facets must be true or false/],
    ] as const) {
      const response = await similarTo(query);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.message).toMatch(message);
    }
  });
});

describe("POST /api/search: feedback and paging", () => {
  let photo: Uint8Array;
  beforeAll(async () => {
    photo = await readFileBytes(service.imageFile(item.id).path);
  });
  const search = async (query: string) => POST(searchRequest(formWith([["image", photo, "photo.jpg", "image/jpeg"]]), query));

  it("drops disliked results, pages with offset and answers facets", async () => {
    const first = (await (await search("?k=20")).json()) as Body;
    const disliked = ids(first).slice(0, 2);
    const refined = (await (await search(`?k=10&negative=${disliked.join(",")}&facets=true`)).json()) as Body;
    expect(ids(refined)).toHaveLength(10);
    for (const id of disliked) expect(ids(refined)).not.toContain(id);
    expect(refined.facets?.gender?.length).toBeGreaterThan(0);
    const paged = (await (await search("?k=5&offset=5")).json()) as Body;
    expect(ids(paged)).toEqual(ids(first).slice(5, 10));
  });

  it("400 naming an unknown feedback id", async () => {
    const response = await search("?positive=definitely-not-an-item");
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toMatch(/definitely-not-an-item/);
  });
});

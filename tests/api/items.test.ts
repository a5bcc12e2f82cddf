import { describe, expect, it, vi } from "vitest";
import { useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const similar = await import("@/app/api/items/[id]/similar/route");
const images = await import("@/app/api/images/[id]/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { service } = await getSearchRuntime();
const item = service.items[0]!;

const context = (id: string) => ({ params: Promise.resolve({ id }) });
const get = (url: string, headers?: HeadersInit) => new Request(`http://localhost${url}`, { headers });

const maliciousIds: [label: string, id: string][] = [
  ["path traversal", "../../etc/passwd"],
  ["encoded traversal", "..%2F..%2Fetc%2Fpasswd"],
  ["absolute path", "/etc/passwd"],
  ["5000 characters", "9".repeat(5000)],
  ["unicode", "シャツ👕\u202e"],
  ["NUL byte", "1\u0000"],
];

describe("GET /api/items/{id}/similar", () => {
  it("returns k similar products without the item itself", async () => {
    const response = await similar.GET(get(`/api/items/${item.id}/similar?k=5`), context(item.id));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.results).toHaveLength(5);
    expect(body.results.map((r: { id: string }) => r.id)).not.toContain(item.id);
  });

  it("404: unknown id", async () => {
    const response = await similar.GET(get("/api/items/nope/similar"), context("no-such-item"));
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("not_found");
  });

  it.each(maliciousIds)("400 or 404, never a file: %s", async (_, id) => {
    const response = await similar.GET(get("/api/items/x/similar"), context(id));
    expect([400, 404]).toContain(response.status);
    expect((await response.json()).error.code).toMatch(/^(bad_request|not_found)$/);
  });

  it.each(["k=0", "k=101", "k=abc"])("400: %s", async (query) => {
    const response = await similar.GET(get(`/api/items/${item.id}/similar?${query}`), context(item.id));
    expect(response.status).toBe(400);
  });
});

describe("GET /api/images/{id}", () => {
  it("serves the photo, immutable, with a strong ETag and nosniff", async () => {
    const response = await images.GET(get(`/api/images/${item.id}`), context(item.id));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^image\//);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("etag")).toMatch(/^"[^"]+"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.byteLength).toBe(Number(response.headers.get("content-length")));
  });

  it("304 when If-None-Match matches, also as a weak tag or in a list", async () => {
    const { etag } = service.imageFile(item.id);
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const response = await images.GET(get(`/api/images/${item.id}`, { "if-none-match": header }), context(item.id));
      expect(response.status).toBe(304);
      expect(response.headers.get("etag")).toBe(etag);
      expect(await response.text()).toBe("");
    }
    const stale = await images.GET(get(`/api/images/${item.id}`, { "if-none-match": '"stale"' }), context(item.id));
    expect(stale.status).toBe(200);
  });

  it.each([["unknown", "no-such-item"], ...maliciousIds])("400 or 404 JSON, never a file: %s", async (_, id) => {
    const response = await images.GET(get("/api/images/x"), context(id));
    expect([400, 404]).toContain(response.status);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
  });
});

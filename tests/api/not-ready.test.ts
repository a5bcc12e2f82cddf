import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
// A catalog directory that does not exist: the runtime cannot start.
process.env.CATALOG_DIR = "data/no-such-catalog-for-tests";

const health = await import("@/app/api/health/route");
const search = await import("@/app/api/search/route");

describe("before the catalog is built", () => {
  it("health is 503 not_ready and says what to build", async () => {
    const response = await health.GET();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.error.code).toBe("not_ready");
    expect(body.error.message).toMatch(/npm run|README/);
  });

  it("search is 503 not_ready too, not a 500", async () => {
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array([1, 2, 3])]), "a.jpg");
    const response = await search.POST(new Request("http://localhost/api/search", { method: "POST", body: form }));
    expect(response.status).toBe(503);
  });
});

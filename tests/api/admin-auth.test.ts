/** The admin API's bearer token: every write endpoint, missing / wrong / right / not configured. */
import { promises as fs } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { copyCatalog } from "../helpers/live-catalog";
import { formWith } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "right-token-5f1c0a9e-0123456789abcdef";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
// These tests send many wrong tokens on purpose; the failed-attempt limit has its own test (admin-token.test.ts).
process.env.ADMIN_AUTH_FAILURES_PER_MINUTE = "1000";

const items = await import("@/app/api/items/route");
const item = await import("@/app/api/items/[id]/route");
const importRoute = await import("@/app/api/items/import/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { requireAdmin } = await import("@/lib/server/auth");
const initial = (await getSearchRuntime()).service.items;
const existing = initial[0]!.id;

afterAll(async () => {
  delete process.env.ADMIN_TOKEN;
  await fs.rm(catalogDir, { recursive: true, force: true });
});

const context = (id: string) => ({ params: Promise.resolve({ id }) });
/** Each write endpoint with a body that is wrong in some way, so an accepted token shows as a 400, never a change. */
const endpoints: [name: string, call: (headers: Record<string, string>) => Promise<Response>][] = [
  ["POST /api/items", (h) => items.POST(new Request("http://localhost/api/items", { method: "POST", headers: h, body: formWith([], { id: "x" }) }))],
  [
    "PATCH /api/items/{id}",
    (h) =>
      item.PATCH(
        new Request(`http://localhost/api/items/${existing}`, { method: "PATCH", headers: { ...h, "content-type": "application/json" }, body: "{}" }),
        context(existing),
      ),
  ],
  ["DELETE /api/items/{id}", (h) => item.DELETE(new Request("http://localhost/api/items/x", { method: "DELETE", headers: h }), context("no such id"))],
  ["POST /api/items/import", (h) => importRoute.POST(new Request("http://localhost/api/items/import", { method: "POST", headers: h, body: formWith([]) }))],
];

describe.each(endpoints)("%s", (_, call) => {
  it("401 without a token, with a wrong one, or a malformed header", async () => {
    process.env.ADMIN_TOKEN = token;
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token" }, { authorization: `Bearer ${token}x` }, { authorization: token }, { authorization: `Basic ${token}` }];
    for (const headers of attempts) {
      const response = await call(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect((await response.json()).error.code).toBe("unauthorized");
    }
  });

  it("401 with a clear message when no token is configured, whatever is sent", async () => {
    delete process.env.ADMIN_TOKEN;
    const response = await call({ authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toMatch(/ADMIN_TOKEN/);
  });

  it("passes the right token on to the request checks (400/404 for these bodies)", async () => {
    process.env.ADMIN_TOKEN = token;
    const response = await call({ authorization: `Bearer ${token}` });
    expect([400, 404]).toContain(response.status);
  });
});

describe("requireAdmin", () => {
  const request = (authorization?: string) => new Request("http://localhost/", { headers: authorization ? { authorization } : {} });
  it("accepts only the exact token, scheme case-insensitively", () => {
    expect(() => requireAdmin(request(`Bearer ${token}`), { ADMIN_TOKEN: token, ADMIN_AUTH_FAILURES_PER_MINUTE: "1000" })).not.toThrow();
    expect(() => requireAdmin(request(`bearer ${token}`), { ADMIN_TOKEN: token, ADMIN_AUTH_FAILURES_PER_MINUTE: "1000" })).not.toThrow();
    expect(() => requireAdmin(request(`Bearer ${token.slice(0, -1)}`), { ADMIN_TOKEN: token, ADMIN_AUTH_FAILURES_PER_MINUTE: "1000" })).toThrow(/wrong/);
    expect(() => requireAdmin(request(), { ADMIN_TOKEN: token, ADMIN_AUTH_FAILURES_PER_MINUTE: "1000" })).toThrow(/Bearer/);
  });
  it("treats an empty or blank token as not configured", () => {
    expect(() => requireAdmin(request("Bearer  "), { ADMIN_TOKEN: "" })).toThrow(/ADMIN_TOKEN/);
    expect(() => requireAdmin(request("Bearer x"), { ADMIN_TOKEN: "   " })).toThrow(/ADMIN_TOKEN/);
  });
});

describe("nothing changed", () => {
  it("the catalog is as it was after all the refused writes", async () => {
    const { service } = await getSearchRuntime();
    expect(service.getItem(existing)).toEqual(initial[0]);
    expect(service.items.map((i) => i.id)).toEqual(initial.map((i) => i.id));
  });
});

/**
 * The admin token's own rules (issue 14: a one-character ADMIN_TOKEN was accepted and
 * failed attempts were not limited): shorter than 32 characters the admin API is off
 * (503, one log line at start); past 10 failed attempts a minute from one client, 429.
 */
import { promises as fs } from "node:fs";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { copyCatalog } from "../helpers/live-catalog";
import { formWith } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "admin-token-test-0123456789abcdef-long";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;

const items = await import("@/app/api/items/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { requireAdmin, AUTH_WINDOW_MS } = await import("@/lib/server/auth");

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await fs.rm(catalogDir, { recursive: true, force: true });
});

/** POST /api/items with an invalid body: an accepted token shows as 400, never as a change. */
const post = (headers: Record<string, string>) =>
  items.POST(new Request("http://localhost/api/items", { method: "POST", headers, body: formWith([], { id: "x" }) }));

describe("ADMIN_TOKEN shorter than 32 characters", () => {
  it("turns the admin API off: 503 with a clear message, even with the right token", async () => {
    vi.stubEnv("ADMIN_TOKEN", "x");
    const response = await post({ authorization: "Bearer x" });
    expect(response.status).toBe(503);
    expect((await response.json()).error.message).toMatch(/ADMIN_TOKEN has 1 characters, fewer than 32.*openssl rand/);
    vi.stubEnv("ADMIN_TOKEN", token.slice(0, 31));
    expect((await post({ authorization: `Bearer ${token.slice(0, 31)}` })).status).toBe(503);
    vi.stubEnv("ADMIN_TOKEN", token.slice(0, 32));
    expect((await post({ authorization: `Bearer ${token.slice(0, 32)}` })).status).toBe(400);
  });

  it("logs one clear line when the runtime starts, once", async () => {
    vi.stubEnv("ADMIN_TOKEN", "short-token");
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    for (let i = 0; i < 2; i++) {
      (globalThis as { __searchRuntime?: unknown }).__searchRuntime = undefined;
      await getSearchRuntime();
    }
    const lines = errors.mock.calls.map((call) => call.join(" ")).filter((line) => line.includes("ADMIN_TOKEN"));
    expect(lines).toEqual([expect.stringMatching(/^\[admin\] The admin API is off: ADMIN_TOKEN has 11 characters/)]);
  });
});

describe("failed admin-token attempts", () => {
  it("429 with Retry-After after 10 failures a minute from one client, the right token included; other clients unaffected", async () => {
    vi.stubEnv("ADMIN_TOKEN", token);
    const from = (ip: string, authorization?: string) => ({ "x-forwarded-for": ip, ...(authorization ? { authorization } : {}) });
    for (let i = 0; i < 10; i++) expect((await post(from("203.0.113.7", "Bearer wrong"))).status).toBe(401);
    const limited = await post(from("203.0.113.7", "Bearer wrong"));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect((await limited.json()).error.code).toBe("too_many_requests");
    // Guessing stays blocked for the minute, also for a guess that happens to be right.
    expect((await post(from("203.0.113.7", `Bearer ${token}`))).status).toBe(429);
    // A forged first X-Forwarded-For entry does not make a new client: the last one counts.
    expect((await post(from("198.51.100.1, 203.0.113.7", "Bearer wrong"))).status).toBe(429);
    expect((await post(from("198.51.100.2", `Bearer ${token}`))).status).toBe(400);
  });

  it("forgets the failures once their minute is over", () => {
    const env = { ADMIN_TOKEN: token, ADMIN_AUTH_FAILURES_PER_MINUTE: "3" };
    const request = (authorization: string) => new Request("http://localhost/", { headers: { authorization, "x-forwarded-for": "192.0.2.9" } });
    const start = 1_000_000;
    for (let i = 0; i < 3; i++) expect(() => requireAdmin(request("Bearer nope"), env, start)).toThrow(/wrong/);
    expect(() => requireAdmin(request(`Bearer ${token}`), env, start + 1)).toThrow(/Too many/);
    expect(() => requireAdmin(request(`Bearer ${token}`), env, start + AUTH_WINDOW_MS)).not.toThrow();
  });
});

/**
 * The console's session: sign-in sets a Secure, HttpOnly, SameSite=Strict cookie; the
 * console pages redirect without it; cookie-authenticated writes need same origin and
 * the session's CSRF token; forged and expired cookies are refused; the bearer token
 * keeps working without any of it. Writes go to a private copy of the small catalog.
 */
import { promises as fs } from "node:fs";
import { NextRequest } from "next/server";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { copyCatalog } from "../helpers/live-catalog";

vi.mock("server-only", () => ({}));
const token = "console-session-token-0123456789abcdef";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;
process.env.ADMIN_AUTH_FAILURES_PER_MINUTE = "1000";

const sessionRoute = await import("@/app/api/admin/session/route");
const itemRoute = await import("@/app/api/items/[id]/route");
const { proxy } = await import("@/proxy");
const { issueAdminSession, ADMIN_SESSION_COOKIE } = await import("@/lib/server/admin-session");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { service } = await getSearchRuntime();
const target = service.items[0]!;

afterAll(async () => {
  delete process.env.ADMIN_TOKEN;
  delete process.env.ADMIN_AUTH_FAILURES_PER_MINUTE;
  await fs.rm(catalogDir, { recursive: true, force: true });
});

const origin = "http://localhost:3000";
let client = 0;
/** Each test its own client address, so failed-attempt counts never leak between tests. */
let forwardedFor = "";
beforeEach(() => {
  forwardedFor = `10.0.0.${++client}`;
});

const sameSite = { origin, "sec-fetch-site": "same-origin", host: "localhost:3000" };

function signIn(body: unknown, headers: Record<string, string> = sameSite, contentType = "application/json"): Promise<Response> {
  return sessionRoute.POST(
    new Request(`${origin}/api/admin/session`, {
      method: "POST",
      headers: { "content-type": contentType, "x-forwarded-for": forwardedFor, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

async function signedIn(): Promise<{ cookie: string; csrfToken: string }> {
  const response = await signIn({ token });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get("set-cookie")!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: setCookie.split(";")[0]!, csrfToken };
}

function patch(headers: Record<string, string>, articleType: string): Promise<Response> {
  return itemRoute.PATCH(
    new Request(`${origin}/api/items/${target.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor, ...headers },
      body: JSON.stringify({ articleType }),
    }),
    { params: Promise.resolve({ id: target.id }) },
  );
}

const page = (path: string, cookie?: string) => proxy(new NextRequest(`${origin}${path}`, { headers: cookie ? { cookie } : {} }));

describe("sign-in", () => {
  it("sets the session cookie HttpOnly, Secure, SameSite=Strict, Path=/, __Host- prefixed, with a lifetime", async () => {
    const response = await signIn({ token });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie")!;
    expect(setCookie).toMatch(new RegExp(`^${ADMIN_SESSION_COOKIE}=v1\\.`));
    const attributes = setCookie.split(";").slice(1).map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=strict", "path=/"]));
    expect(attributes.find((a) => a.startsWith("max-age="))).toBe("max-age=28800");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses a wrong token (401), and counts it towards the failed-attempt limit (429, even for the right token)", async () => {
    vi.stubEnv("ADMIN_AUTH_FAILURES_PER_MINUTE", "3");
    try {
      for (let i = 0; i < 3; i++) {
        const response = await signIn({ token: `${token}-wrong` });
        expect(response.status).toBe(401);
        expect(response.headers.get("set-cookie")).toBeNull();
      }
      const blocked = await signIn({ token });
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get("set-cookie")).toBeNull();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses a cross-site sign-in (login CSRF) with 403", async () => {
    const attempts: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site", host: "localhost:3000" },
      { origin: "https://evil.example", host: "localhost:3000" },
      { host: "localhost:3000" },
    ];
    for (const headers of attempts) {
      const response = await signIn({ token }, headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden");
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  it("answers bad input with a clear 400/415", async () => {
    expect((await signIn("not json")).status).toBe(400);
    const empty = await signIn({ token: "" });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.message).toMatch(/Type the admin token/);
    expect((await signIn({ token, extra: 1 })).status).toBe(400);
    expect((await signIn(`token=${token}`, sameSite, "application/x-www-form-urlencoded")).status).toBe(415);
  });
});

describe("console pages", () => {
  it("redirect to sign-in without a session, with a forged one, or an expired one", async () => {
    const forged = `${ADMIN_SESSION_COOKIE}=v1.zzzzzzzz.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    const expired = `${ADMIN_SESSION_COOKIE}=${issueAdminSession(token, Date.now() - 10_000, 5_000).value}`;
    const otherToken = `${ADMIN_SESSION_COOKIE}=${issueAdminSession(`${token}-old`).value}`;
    for (const path of ["/admin", "/admin/suspects", "/admin/duplicates", "/admin/import"]) {
      for (const cookie of [undefined, forged, expired, otherToken]) {
        const response = page(path, cookie);
        expect(response.status, `${path} ${cookie}`).toBe(303);
        expect(new URL(response.headers.get("location")!).pathname + new URL(response.headers.get("location")!).search).toBe(
          `/admin/sign-in?next=${encodeURIComponent(path)}`,
        );
      }
    }
  });

  it("open with a valid session; the sign-in page is open without one", async () => {
    const { cookie } = await signedIn();
    for (const path of ["/admin", "/admin/suspects"]) {
      const response = page(path, cookie);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("x-middleware-next")).toBe("1");
    }
    expect(page("/admin/sign-in").status).toBe(200);
    expect(page("/").status).toBe(200);
  });
});

describe("cookie-authenticated writes", () => {
  it("pass with same origin and the session's CSRF token", async () => {
    const { cookie, csrfToken } = await signedIn();
    const response = await patch({ cookie, ...sameSite, "x-csrf-token": csrfToken }, "Console Relabel");
    expect(response.status).toBe(200);
    expect(service.getItem(target.id)!.articleType).toBe("Console Relabel");
    expect((await patch({ cookie, ...sameSite, "x-csrf-token": csrfToken }, target.articleType)).status).toBe(200);
  });

  it("are refused (403) without the CSRF token, with another session's, or cross-site; nothing changes", async () => {
    const { cookie, csrfToken } = await signedIn();
    const other = await signedIn();
    const attempts: Record<string, string>[] = [
      { cookie, ...sameSite },
      { cookie, ...sameSite, "x-csrf-token": other.csrfToken },
      { cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site", host: "localhost:3000", "x-csrf-token": csrfToken },
      { cookie, host: "localhost:3000", "x-csrf-token": csrfToken },
    ];
    for (const headers of attempts) {
      const response = await patch(headers, "Forged");
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden");
    }
    expect(service.getItem(target.id)!.articleType).toBe(target.articleType);
  });

  it("are refused (401) with a forged or expired cookie, even with a matching CSRF token", async () => {
    const expired = issueAdminSession(token, Date.now() - 10_000, 5_000);
    const forged = issueAdminSession(`${token}-guess`);
    for (const session of [expired, forged]) {
      const response = await patch({ cookie: `${ADMIN_SESSION_COOKIE}=${session.value}`, ...sameSite, "x-csrf-token": session.csrfToken }, "Forged");
      expect(response.status).toBe(401);
      expect((await response.json()).error.message).toMatch(/sign in again/);
    }
    expect(service.getItem(target.id)!.articleType).toBe(target.articleType);
  });

  it("the bearer token still works, without a CSRF token or Origin", async () => {
    const response = await patch({ authorization: `Bearer ${token}` }, "Bearer Relabel");
    expect(response.status).toBe(200);
    expect((await patch({ authorization: `Bearer ${token}` }, target.articleType)).status).toBe(200);
  });
});

describe("sign-out", () => {
  it("clears the cookie, with the CSRF token only", async () => {
    const { cookie, csrfToken } = await signedIn();
    const request = (headers: Record<string, string>) =>
      sessionRoute.DELETE(new Request(`${origin}/api/admin/session`, { method: "DELETE", headers: { cookie, "x-forwarded-for": forwardedFor, ...sameSite, ...headers } }));
    expect((await request({})).status).toBe(403);
    const response = await request({ "x-csrf-token": csrfToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toMatch(new RegExp(`^${ADMIN_SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`));
  });
});

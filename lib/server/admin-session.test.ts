import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { issueAdminSession, verifyAdminSession, requireCsrf, requireSameOrigin, sessionCookie, readSessionCookie, ADMIN_SESSION_COOKIE, CSRF_HEADER } = await import(
  "./admin-session"
);

const token = "session-test-token-0123456789abcdef0123";
const now = 1_800_000_000_000;
const hour = 3_600_000;

describe("session cookie signing", () => {
  it("verifies a session it issued, with the same id, expiry and CSRF token", () => {
    const issued = issueAdminSession(token, now, 8 * hour);
    const verified = verifyAdminSession(issued.value, token, now + hour);
    expect(verified).toEqual({ id: issued.id, expiresAt: now + 8 * hour, csrfToken: issued.csrfToken });
    expect(issued.value).toMatch(/^v1\.[0-9a-z]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  });

  it("gives every session its own id and CSRF token", () => {
    const a = issueAdminSession(token, now, hour);
    const b = issueAdminSession(token, now, hour);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
  });

  it("refuses it from the expiry on", () => {
    const issued = issueAdminSession(token, now, hour);
    expect(verifyAdminSession(issued.value, token, now + hour - 1)).toBeDefined();
    expect(verifyAdminSession(issued.value, token, now + hour)).toBeUndefined();
  });

  it("refuses it once ADMIN_TOKEN has changed (rotation ends sessions)", () => {
    const issued = issueAdminSession(token, now, hour);
    expect(verifyAdminSession(issued.value, `${token}x`, now)).toBeUndefined();
  });

  it("refuses a forged expiry, id or signature, and junk", () => {
    const issued = issueAdminSession(token, now, hour);
    const [version, expiry, id, signature] = issued.value.split(".") as [string, string, string, string];
    const later = (now + 1000 * hour).toString(36);
    expect(verifyAdminSession([version, later, id, signature].join("."), token, now)).toBeUndefined();
    const otherId = `${id.slice(0, -1)}${id.endsWith("A") ? "B" : "A"}`;
    expect(verifyAdminSession([version, expiry, otherId, signature].join("."), token, now)).toBeUndefined();
    const otherSignature = `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
    expect(verifyAdminSession([version, expiry, id, otherSignature].join("."), token, now)).toBeUndefined();
    for (const junk of [undefined, "", "v1", "v2.a.b.c", `${issued.value}x`, issued.value.replace("v1", "v2")]) {
      expect(verifyAdminSession(junk, token, now), String(junk)).toBeUndefined();
    }
  });

  it("writes the cookie HttpOnly, Secure, SameSite=Strict, Path=/ with its lifetime", () => {
    const issued = issueAdminSession(token, now, 2 * hour);
    const header = sessionCookie(issued, now);
    expect(header.startsWith(`${ADMIN_SESSION_COOKIE}=${issued.value};`)).toBe(true);
    const attributes = header.split(";").slice(1).map((part) => part.trim());
    expect(attributes).toEqual(expect.arrayContaining(["Path=/", "Max-Age=7200", "HttpOnly", "Secure", "SameSite=Strict"]));
    expect(attributes.some((a) => /^Domain=/i.test(a))).toBe(false);
  });

  it("reads the cookie among others", () => {
    const request = new Request("http://localhost/", { headers: { cookie: `a=1; ${ADMIN_SESSION_COOKIE}=v1.x.y.z; b=2` } });
    expect(readSessionCookie(request)).toBe("v1.x.y.z");
    expect(readSessionCookie(new Request("http://localhost/"))).toBeUndefined();
  });
});

describe("CSRF", () => {
  const session = issueAdminSession(token, now, hour);
  const write = (headers: Record<string, string>) => new Request("http://shop.example/api/items/1", { method: "PATCH", headers: { host: "shop.example", ...headers } });

  it("passes a same-origin write with the session's token", () => {
    expect(() => requireCsrf(write({ origin: "http://shop.example", "sec-fetch-site": "same-origin", [CSRF_HEADER]: session.csrfToken }), session)).not.toThrow();
    // An older browser without Fetch Metadata: Origin alone.
    expect(() => requireCsrf(write({ origin: "http://shop.example", [CSRF_HEADER]: session.csrfToken }), session)).not.toThrow();
  });

  it("refuses a missing token, another session's token, or a cross-site request", () => {
    const other = issueAdminSession(token, now, hour);
    const cases: Record<string, string>[] = [
      { origin: "http://shop.example", "sec-fetch-site": "same-origin" },
      { origin: "http://shop.example", "sec-fetch-site": "same-origin", [CSRF_HEADER]: other.csrfToken },
      { origin: "http://evil.example", "sec-fetch-site": "cross-site", [CSRF_HEADER]: session.csrfToken },
      { origin: "http://evil.example", [CSRF_HEADER]: session.csrfToken },
      { "sec-fetch-site": "same-site", [CSRF_HEADER]: session.csrfToken },
      { origin: "null", [CSRF_HEADER]: session.csrfToken },
      { [CSRF_HEADER]: session.csrfToken },
    ];
    for (const headers of cases) {
      expect(() => requireCsrf(write(headers), session), JSON.stringify(headers)).toThrow(expect.objectContaining({ code: "forbidden" }));
    }
  });

  it("same-origin check: the Origin's host must be the request's host", () => {
    expect(() => requireSameOrigin(write({ origin: "http://shop.example:8080" }))).toThrow(/Origin/);
    expect(() => requireSameOrigin(write({ origin: "http://shop.example" }))).not.toThrow();
  });
});

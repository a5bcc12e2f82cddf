import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";

/**
 * The console's session cookie. `__Host-` makes the browser refuse it unless it is
 * Secure, Path=/ and has no Domain, so no sibling subdomain can plant or widen it.
 */
export const ADMIN_SESSION_COOKIE = "__Host-vps-admin";

/** The header (and form field) that carries a session's CSRF token on a cookie-authenticated write. */
export const CSRF_HEADER = "x-csrf-token";

/** How long a console session lasts, in hours (ADMIN_SESSION_HOURS). */
export const sessionHoursSchema = z.coerce.number().positive().max(24 * 30).default(8);

/** A verified session: its random id, when it ends, and the CSRF token bound to it. */
export type AdminSession = { id: string; expiresAt: number; csrfToken: string };

type Env = Readonly<Record<string, string | undefined>>;

const VERSION = "v1";
const TOKEN_PATTERN = /^v1\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * The signing key, derived from ADMIN_TOKEN: rotating the token ends every session
 * without any state to clear, and the token itself never signs anything directly.
 */
function deriveKey(adminToken: string): Buffer {
  return createHmac("sha256", adminToken).update("visual-product-search admin session key v1").digest();
}

function mac(key: Buffer, purpose: string, ...parts: string[]): string {
  return createHmac("sha256", key).update([purpose, ...parts].join("|")).digest("base64url");
}

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The session's lifetime in milliseconds, from ADMIN_SESSION_HOURS (default 8). */
export function sessionLifetimeMs(env: Env = process.env): number {
  return sessionHoursSchema.parse(env.ADMIN_SESSION_HOURS) * 3_600_000;
}

/**
 * Issues a session: `v1.<expiry, base36 ms>.<16 random bytes>.<HMAC-SHA256 of both>`,
 * signed with the key derived from ADMIN_TOKEN. Returns the cookie value too.
 */
export function issueAdminSession(adminToken: string, now = Date.now(), lifetimeMs = sessionLifetimeMs()): AdminSession & { value: string } {
  const key = deriveKey(adminToken);
  const expiresAt = now + lifetimeMs;
  const expiry = expiresAt.toString(36);
  const id = randomBytes(16).toString("base64url");
  const value = `${VERSION}.${expiry}.${id}.${mac(key, "session", VERSION, expiry, id)}`;
  return { value, id, expiresAt, csrfToken: mac(key, "csrf", id) };
}

/**
 * Checks a cookie value: well formed, signed with the current ADMIN_TOKEN's key
 * (compared in constant time) and not expired. Anything else is undefined.
 */
export function verifyAdminSession(value: string | undefined, adminToken: string, now = Date.now()): AdminSession | undefined {
  const match = value === undefined ? null : TOKEN_PATTERN.exec(value);
  if (!match) return undefined;
  const [, expiry, id, signature] = match as unknown as [string, string, string, string];
  const key = deriveKey(adminToken);
  if (!equalText(signature, mac(key, "session", VERSION, expiry, id))) return undefined;
  const expiresAt = parseInt(expiry, 36);
  if (!Number.isSafeInteger(expiresAt) || now >= expiresAt) return undefined;
  return { id, expiresAt, csrfToken: mac(key, "csrf", id) };
}

/** The session cookie's value in a request's Cookie header, if any. */
export function readSessionCookie(request: Request): string | undefined {
  return readCookie(request.headers.get("cookie"), ADMIN_SESSION_COOKIE);
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header that starts a session: HttpOnly, Secure, SameSite=Strict, Path=/, ending with it. */
export function sessionCookie(session: { value: string; expiresAt: number }, now = Date.now()): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
  return `${ADMIN_SESSION_COOKIE}=${session.value}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;
}

/** The Set-Cookie header that ends a session (sign out). */
export function clearedSessionCookie(): string {
  return `${ADMIN_SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/**
 * Refuses a request that a browser marked as coming from another site: Sec-Fetch-Site
 * other than same-origin (or none: typed in the address bar), or an Origin whose host
 * is not the one the request was sent to. A browser write carries at least one of
 * them; a request with neither cannot be told apart from a forged one and is refused.
 */
export function requireSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site}).`);
  }
  if (origin !== null) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== host) throw new AppError("forbidden", "Cross-site request refused: its Origin is not this site.");
  }
  if (site === null && origin === null) {
    throw new AppError("forbidden", "A console write must come from the console page (no Origin or Sec-Fetch-Site header).");
  }
}

/**
 * The CSRF check of a cookie-authenticated write: same origin, and the session's own
 * token in the X-CSRF-Token header (a synchronizer token: an HMAC of the session id,
 * so a page of another site can neither read nor compute it).
 */
export function requireCsrf(request: Request, session: AdminSession): void {
  requireSameOrigin(request);
  const sent = request.headers.get(CSRF_HEADER);
  if (!sent) throw new AppError("forbidden", `Send the console's CSRF token in the ${CSRF_HEADER} header.`);
  if (!equalText(sent, session.csrfToken)) throw new AppError("forbidden", "The CSRF token does not belong to this session: reload the page.");
}

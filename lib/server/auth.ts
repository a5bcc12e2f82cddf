import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";
import { readSessionCookie, requireCsrf, verifyAdminSession } from "./admin-session";

/** Shorter tokens can be guessed or were typed by hand: `openssl rand -hex 32` gives 64 characters. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** The window of the failed-attempt limit. */
export const AUTH_WINDOW_MS = 60_000;

/** The admin token, read per request so that rotating it needs no code path of its own; "" counts as unset. */
const adminTokenSchema = z
  .string()
  .trim()
  .transform((token) => (token === "" ? undefined : token))
  .optional();

const failuresPerMinuteSchema = z.coerce.number().int().positive().default(10);

type Env = Readonly<Record<string, string | undefined>>;

/** Failed attempts per client in the current window; on globalThis so that dev reloads keep it. */
const processState = globalThis as typeof globalThis & {
  __adminAuthFailures?: Map<string, { count: number; since: number }>;
  __adminTokenReported?: boolean;
};
const failures = (processState.__adminAuthFailures ??= new Map());

/**
 * Checks that a request comes from the admin: either `Authorization: Bearer <ADMIN_TOKEN>`
 * (scripts, the API) or, without that header, a valid console session cookie
 * (lib/server/admin-session.ts), whose writes (anything but GET/HEAD) must also pass the
 * CSRF checks (same origin plus the session's token; `forbidden`, 403). With no token
 * configured everything is refused (`unauthorized`, saying how to enable writes); with
 * one shorter than 32 characters the admin API is off (`not_ready`, 503). A missing or
 * wrong token, or a forged or expired session, is `unauthorized`; past
 * ADMIN_AUTH_FAILURES_PER_MINUTE of those from one client, every attempt is
 * `too_many_requests` (429) until its minute is over. Tokens are compared by their
 * sha256 digests with timingSafeEqual, so neither content nor length leaks by timing.
 */
export function requireAdmin(request: Request, env: Env = process.env, now = Date.now()): void {
  const { expected, client } = checkAttemptAllowed(request, env, now);
  const header = request.headers.get("authorization");
  const cookie = header === null ? readSessionCookie(request) : undefined;
  if (cookie !== undefined) {
    const session = verifyAdminSession(cookie, expected, now);
    if (!session) throw countFailure(client, now, new AppError("unauthorized", "The console session is invalid or has expired: sign in again at /admin/sign-in."));
    if (request.method !== "GET" && request.method !== "HEAD") requireCsrf(request, session);
    return;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) throw countFailure(client, now, new AppError("unauthorized", "Send the admin token as `Authorization: Bearer <token>`."));
  if (!sameToken(match[1]!, expected)) throw countFailure(client, now, new AppError("unauthorized", "The admin token is wrong."));
}

/**
 * Checks a token typed into the console's sign-in form, under the same rules and the
 * same failed-attempt limit as the bearer token; returns the configured token.
 */
export function checkAdminToken(request: Request, token: string, env: Env = process.env, now = Date.now()): string {
  const { expected, client } = checkAttemptAllowed(request, env, now);
  if (!sameToken(token, expected)) throw countFailure(client, now, new AppError("unauthorized", "The admin token is wrong."));
  return expected;
}

/** The configured token, once it is set, long enough, and this client is under its failed-attempt limit. */
function checkAttemptAllowed(request: Request, env: Env, now: number): { expected: string; client: string } {
  const expected = readAdminToken(env);
  const client = clientKey(request);
  const limit = failuresPerMinuteSchema.parse(env.ADMIN_AUTH_FAILURES_PER_MINUTE);
  const record = failures.get(client);
  if (record && now - record.since < AUTH_WINDOW_MS && record.count >= limit) {
    throw new AppError("too_many_requests", `Too many failed admin-token attempts from this client (${limit} a minute). Retry later.`);
  }
  return { expected, client };
}

/** ADMIN_TOKEN when the admin API is on; `unauthorized` when unset, `not_ready` when too short. */
export function readAdminToken(env: Env = process.env): string {
  const expected = adminTokenSchema.parse(env.ADMIN_TOKEN);
  if (expected === undefined) {
    throw new AppError("unauthorized", "Catalog writes are disabled: set ADMIN_TOKEN on the server to enable the admin API.");
  }
  const tooShort = describeShortToken(expected);
  if (tooShort) throw new AppError("not_ready", tooShort);
  return expected;
}

function sameToken(sent: string, expected: string): boolean {
  return timingSafeEqual(digest(sent), digest(expected));
}

/**
 * Logs one clear line at start when ADMIN_TOKEN is set but too short (the admin API is
 * then off); silent otherwise, and only once per process.
 */
export function reportAdminTokenAtStart(env: Env = process.env): void {
  const problem = describeShortToken(adminTokenSchema.parse(env.ADMIN_TOKEN));
  if (!problem || processState.__adminTokenReported) return;
  processState.__adminTokenReported = true;
  console.error(`[admin] ${problem}`);
}

function describeShortToken(token: string | undefined): string | undefined {
  if (token === undefined || token.length >= MIN_ADMIN_TOKEN_LENGTH) return undefined;
  return (
    `The admin API is off: ADMIN_TOKEN has ${token.length} characters, fewer than ${MIN_ADMIN_TOKEN_LENGTH}. ` +
    "Set a long random value (openssl rand -hex 32) and restart."
  );
}

function countFailure(client: string, now: number, error: AppError): AppError {
  const record = failures.get(client);
  if (record && now - record.since < AUTH_WINDOW_MS) record.count++;
  else failures.set(client, { count: 1, since: now });
  // Bounded memory under a spray of addresses: forget the windows that are over.
  if (failures.size > 10_000) for (const [key, value] of failures) if (now - value.since >= AUTH_WINDOW_MS) failures.delete(key);
  return error;
}

/**
 * The client, as the nearest proxy saw it: Next sets X-Forwarded-For from the socket,
 * and a proxy in front appends to it, so its last entry is the one a client cannot forge.
 */
function clientKey(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || request.headers.get("x-real-ip")?.trim() || "unknown";
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

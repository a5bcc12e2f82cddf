import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";

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
 * Checks `Authorization: Bearer <ADMIN_TOKEN>` on a write request. With no token
 * configured every write is refused (`unauthorized`, saying how to enable writes); with
 * one shorter than 32 characters the admin API is off (`not_ready`, 503). A missing or
 * wrong token is `unauthorized`; past ADMIN_AUTH_FAILURES_PER_MINUTE of those from one
 * client, every attempt is `too_many_requests` (429) until its minute is over. Tokens are
 * compared by their sha256 digests with timingSafeEqual, so neither content nor length
 * leaks by timing.
 */
export function requireAdmin(request: Request, env: Env = process.env, now = Date.now()): void {
  const expected = adminTokenSchema.parse(env.ADMIN_TOKEN);
  if (expected === undefined) {
    throw new AppError("unauthorized", "Catalog writes are disabled: set ADMIN_TOKEN on the server to enable the admin API.");
  }
  const tooShort = describeShortToken(expected);
  if (tooShort) throw new AppError("not_ready", tooShort);
  const client = clientKey(request);
  const limit = failuresPerMinuteSchema.parse(env.ADMIN_AUTH_FAILURES_PER_MINUTE);
  const record = failures.get(client);
  if (record && now - record.since < AUTH_WINDOW_MS && record.count >= limit) {
    throw new AppError("too_many_requests", `Too many failed admin-token attempts from this client (${limit} a minute). Retry later.`);
  }
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw countFailure(client, now, new AppError("unauthorized", "Send the admin token as `Authorization: Bearer <token>`."));
  if (!timingSafeEqual(digest(match[1]!), digest(expected))) throw countFailure(client, now, new AppError("unauthorized", "The admin token is wrong."));
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

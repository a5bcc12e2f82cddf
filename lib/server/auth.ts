import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";

/** The admin token, read per request so that rotating it needs no code path of its own; "" counts as unset. */
const adminTokenSchema = z
  .string()
  .trim()
  .transform((token) => (token === "" ? undefined : token))
  .optional();

/**
 * Checks `Authorization: Bearer <ADMIN_TOKEN>` on a write request. With no token
 * configured every write is refused (`unauthorized`, saying how to enable writes);
 * a missing or wrong token is `unauthorized` too. Tokens are compared by their
 * sha256 digests with timingSafeEqual, so neither content nor length leaks by timing.
 */
export function requireAdmin(request: Request, env: Readonly<Record<string, string | undefined>> = process.env): void {
  const expected = adminTokenSchema.parse(env.ADMIN_TOKEN);
  if (expected === undefined) {
    throw new AppError("unauthorized", "Catalog writes are disabled: set ADMIN_TOKEN on the server to enable the admin API.");
  }
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError("unauthorized", "Send the admin token as `Authorization: Bearer <token>`.");
  if (!timingSafeEqual(digest(match[1]!), digest(expected))) throw new AppError("unauthorized", "The admin token is wrong.");
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

import { z } from "zod";
import { AppError } from "../errors";
import { acceptImageSignature } from "../image/accept";

/** Decoded bytes a shared query may carry; the encoder aims well below this. */
export const MAX_QUERY_BYTES = 8 * 1024;
/** base64url of MAX_QUERY_BYTES, unpadded. */
export const MAX_QUERY_CHARS = Math.ceil((MAX_QUERY_BYTES * 4) / 3);

const damaged = "This search link is incomplete or damaged: its query photo cannot be read. Start a new search.";

const queryParamSchema = z
  .string({ error: "This search link has no query photo. Start a new search." })
  .min(1, { error: "This search link has no query photo. Start a new search." })
  .max(MAX_QUERY_CHARS, { error: "This search link's query photo is too large. Start a new search." })
  .regex(/^[A-Za-z0-9_-]+$/, { error: damaged });

/** Encodes query image bytes for the `q` URL parameter (base64url, no padding). */
export function encodeQueryParam(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/**
 * Decodes and checks the `q` URL parameter: base64url within the size cap whose
 * bytes are a WebP or JPEG file. Throws AppError `bad_request` with a message fit
 * for the page.
 */
export function decodeQueryParam(q: unknown): Uint8Array {
  const parsed = queryParamSchema.safeParse(q);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues[0]?.message ?? damaged);
  // base64url strings of length 4n+1 cannot come from any byte string.
  if (parsed.data.length % 4 === 1) throw new AppError("bad_request", damaged);
  const bytes = new Uint8Array(Buffer.from(parsed.data, "base64url"));
  sharedQueryFormat(bytes);
  return bytes;
}

/** The MIME type of query bytes that passed decodeQueryParam. */
export function queryImageType(bytes: Uint8Array): "image/webp" | "image/jpeg" {
  return sharedQueryFormat(bytes) === "webp" ? "image/webp" : "image/jpeg";
}

/** To the reader of a link, bytes of a format a shared query cannot have mean a damaged link. */
function sharedQueryFormat(bytes: Uint8Array) {
  try {
    return acceptImageSignature(bytes, "sharedQuery");
  } catch (error) {
    throw new AppError("bad_request", damaged, { cause: error });
  }
}

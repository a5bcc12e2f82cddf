import type { z } from "zod";

/**
 * The one error type of the engine. Every failure a caller can act on is an
 * `AppError` with a code; `toHttpStatus` is the single place codes become HTTP.
 */
export const errorCodes = [
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "unprocessable_image",
  "request_timeout",
  "too_many_requests",
  "overloaded",
  "not_ready",
  "insufficient_storage",
  "storage_unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

const httpStatus: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  /** Signed in, but the request failed the console's cross-site (CSRF) checks. */
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable_image: 422,
  request_timeout: 408,
  too_many_requests: 429,
  overloaded: 503,
  not_ready: 503,
  /** The disk holding the catalog is full: the change was not saved, retry once space is freed. */
  insufficient_storage: 507,
  /** The catalog cannot be written (I/O error, or a corrupt change log served read-only until repaired). */
  storage_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }
}

/** Maps an error code to its HTTP status. */
export function toHttpStatus(code: ErrorCode): number {
  return httpStatus[code];
}

/** Wraps anything thrown into an AppError, keeping the original as the cause. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError("internal", "Internal error", { cause: error });
}

/** Parses data with a schema; a failure is an AppError `bad_request` listing each problem once. */
export function parseOrThrow<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => issue.message);
  throw new AppError("bad_request", [...new Set(problems)].join("; "));
}

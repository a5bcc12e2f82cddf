import { AppError, toAppError, toHttpStatus } from "../errors";
import { ALLOWED_METHODS } from "./request-guard";

/** Seconds a client should wait before retrying an `overloaded` answer. */
const RETRY_AFTER_SECONDS = 2;
/** A `too_many_requests` answer lasts at most the rest of the failed-attempt window (lib/server/auth.ts). */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

/**
 * The one place an error becomes an HTTP response: `{ error: { code, message } }`
 * with the status of its code. Clients get the message; the log gets the cause.
 */
export function toErrorResponse(error: unknown): Response {
  const appError = toAppError(error);
  logAppError(appError);
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (appError.code === "overloaded") headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  if (appError.code === "too_many_requests") headers.set("Retry-After", String(RATE_LIMIT_RETRY_AFTER_SECONDS));
  if (appError.code === "unauthorized") headers.set("WWW-Authenticate", 'Bearer realm="admin"');
  if (appError.code === "method_not_allowed") headers.set("Allow", ALLOWED_METHODS.join(", "));
  return Response.json(
    { error: { code: appError.code, message: appError.message } },
    { status: toHttpStatus(appError.code), headers },
  );
}

/** Logs server-side failures with their cause; bad input is the client's business, not the log's. */
export function logAppError(error: AppError): void {
  if (error.code === "internal" && isClientAbort(error.cause)) {
    console.warn("[aborted] the client closed the connection:", describeCause(error.cause));
    return;
  }
  if (error.code === "internal") console.error("[internal]", error.message, error.cause ?? error);
  else if (error.code === "not_ready") console.warn("[not_ready]", error.message);
  // The catalog could not be written (disk full, I/O error, corrupt log): the operator's business, with the cause.
  else if (error.code === "insufficient_storage" || error.code === "storage_unavailable") console.error(`[${error.code}]`, error.message, error.cause ?? "");
}

/**
 * Wraps a route handler so anything it throws becomes toErrorResponse's answer. A
 * failure after the client hung up (its request's signal aborted: a body cut off, a
 * search cancelled) is logged as an abort, whatever error it surfaced as, never as an
 * internal error; nobody reads the answer.
 */
export function withErrorResponse<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      const request = args[0];
      if (request instanceof Request && request.signal.aborted && !(error instanceof AppError)) {
        console.warn(`[aborted] ${request.method} ${new URL(request.url).pathname}: the client closed the connection (${describeCause(error)})`);
        return new Response(null, { status: CLIENT_CLOSED_REQUEST, headers: { "Cache-Control": "no-store" } });
      }
      return toErrorResponse(error);
    }
  };
}

/** nginx's "client closed request": never seen by the client, but it keeps access logs honest. */
const CLIENT_CLOSED_REQUEST = 499;

/** A client that hung up mid-request (Next's ResponseAborted, or an aborted fetch/stream). */
function isClientAbort(cause: unknown): boolean {
  return cause instanceof Error && (cause.name === "ResponseAborted" || cause.name === "AbortError");
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

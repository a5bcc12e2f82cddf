import { AppError, toAppError, toHttpStatus } from "../errors";

/** Seconds a client should wait before retrying an `overloaded` answer. */
const RETRY_AFTER_SECONDS = 2;

/**
 * The one place an error becomes an HTTP response: `{ error: { code, message } }`
 * with the status of its code. Clients get the message; the log gets the cause.
 */
export function toErrorResponse(error: unknown): Response {
  const appError = toAppError(error);
  logAppError(appError);
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (appError.code === "overloaded") headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  if (appError.code === "unauthorized") headers.set("WWW-Authenticate", 'Bearer realm="admin"');
  return Response.json(
    { error: { code: appError.code, message: appError.message } },
    { status: toHttpStatus(appError.code), headers },
  );
}

/** Logs server-side failures with their cause; bad input is the client's business, not the log's. */
export function logAppError(error: AppError): void {
  if (error.code === "internal" && isClientAbort(error.cause)) return;
  if (error.code === "internal") console.error("[internal]", error.message, error.cause ?? error);
  else if (error.code === "not_ready") console.warn("[not_ready]", error.message);
}

/** Wraps a route handler so anything it throws becomes toErrorResponse's answer. */
export function withErrorResponse<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** A client that hung up mid-request (Next's ResponseAborted, or an aborted fetch/stream): nothing to log. */
function isClientAbort(cause: unknown): boolean {
  return cause instanceof Error && (cause.name === "ResponseAborted" || cause.name === "AbortError");
}

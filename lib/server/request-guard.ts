import { AppError } from "../errors";

/** Every method some route of this app answers; anything else (TRACE, CONNECT, PROPFIND...) is 405. */
export const ALLOWED_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PATCH", "DELETE"] as const;

/**
 * Refuses what no route can answer before any route sees it: a method outside
 * ALLOWED_METHODS (`method_not_allowed`, 405 with Allow) and a path whose
 * percent-encoding is not valid UTF-8, e.g. `/%E0%A4%A` (`bad_request`, 400). Returns
 * the error, or undefined for a request to pass on.
 */
export function checkRequestLine(method: string, pathname: string): AppError | undefined {
  if (!(ALLOWED_METHODS as readonly string[]).includes(method.toUpperCase())) {
    return new AppError("method_not_allowed", `The method ${method} is not allowed here (allowed: ${ALLOWED_METHODS.join(", ")}).`);
  }
  try {
    decodeURIComponent(pathname);
  } catch {
    return new AppError("bad_request", "The URL path is not valid percent-encoded UTF-8.");
  }
  return undefined;
}

import "server-only";
import { connection } from "next/server";
import { AppError, toAppError } from "../errors";
import { logAppError } from "./error-response";
import { getSearchRuntime, type SearchRuntime } from "./search-runtime";

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: AppError };

/**
 * Runs page work that may fail on bad input or a missing index, so the page can
 * render a friendly message instead of the error boundary (which hides messages
 * in production).
 */
export async function attempt<T>(work: () => Promise<T> | T): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const appError = toAppError(error);
    logAppError(appError);
    return { ok: false, error: appError };
  }
}

/** The search runtime for a page; renders at request time, never at build time. */
export async function getPageRuntime(): Promise<Attempt<SearchRuntime>> {
  await connection();
  return attempt(getSearchRuntime);
}

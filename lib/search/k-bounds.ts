import { AppError } from "../errors";

/** Results per search: default and most (kept zod-free so client components can import it). */
export const K_DEFAULT = 10;
export const K_MAX = 100;

/** What every k check says, at the API and in the engine. */
export const K_MESSAGE = `k must be a whole number from 1 to ${K_MAX}`;

/** Throws AppError `bad_request` unless `k` is a whole number from 1 to K_MAX. */
export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > K_MAX) throw new AppError("bad_request", K_MESSAGE);
}

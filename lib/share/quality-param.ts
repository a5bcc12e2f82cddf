import { z } from "zod";
import { parseOrThrow } from "../errors";

export const MIN_QUALITY_MESSAGE = "minQuality must be a number from 0 to 1, like 0.5";

/** minQuality as a query parameter: a plain decimal from 0 to 1 (no "1e-1", no "50%"). */
export const minQualitySchema = z
  .string({ error: MIN_QUALITY_MESSAGE })
  .regex(/^(0(\.[0-9]{1,6})?|1(\.0{1,6})?|\.[0-9]{1,6})$/, { error: MIN_QUALITY_MESSAGE })
  .transform(Number)
  .optional()
  .describe("Leave out results whose match quality (calibrated P(same type), 0..1) is below this; Good starts at 0.6, Excellent at 0.9");

/** The minQuality query parameter (absent: undefined); throws AppError `bad_request` with MIN_QUALITY_MESSAGE. */
export function parseMinQuality(params: URLSearchParams): number | undefined {
  const all = params.getAll("minQuality");
  if (all.length === 0 || (all.length === 1 && all[0] === "")) return undefined;
  return parseOrThrow(minQualitySchema, all.length === 1 ? all[0] : all);
}

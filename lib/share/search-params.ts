import { z } from "zod";
import { parseOrThrow } from "../errors";
import type { SearchOptions } from "../search/types";
import { filterKeys, type FilterKey, type SearchFilters } from "../vector-store/types";
import { K_DEFAULT, K_MAX, K_MESSAGE } from "../search/k-bounds";
import { DEFAULT_SEARCH_MODE, searchModes } from "../colour/colour-fusion";
import { cropSchema } from "./region-param";
import { textQueryProblem } from "../text/text-query";
import { TEXT_MAX_CHARS } from "../text/tokenise";
import { feedbackParamsSchema, pageParamsSchema, toExploreOptions } from "./explore-params";

const MODE_MESSAGE = `mode must be one of ${searchModes.join(", ")}`;

/** The ranking mode as a query parameter. */
export const modeSchema = z
  .enum(searchModes, { error: MODE_MESSAGE })
  .default(DEFAULT_SEARCH_MODE)
  .describe("style: the look; colour: the same colour first; balanced: both, as measured best on validation");

/** k as a query parameter: plain decimal digits only (no "1e2", "0x10" or "5.0"). */
export const kSchema = z
  .string({ error: K_MESSAGE })
  .regex(/^[0-9]{1,6}$/, { error: K_MESSAGE })
  .default(String(K_DEFAULT))
  .transform(Number)
  .pipe(z.number().int().min(1, { error: K_MESSAGE }).max(K_MAX, { error: K_MESSAGE }))
  .describe(`Number of results, 1 to ${K_MAX}`);

const filterValueSchema = (key: FilterKey) =>
  z
    .string({ error: `${key} must be given once, as text` })
    .max(100, { error: `${key} is too long` })
    .optional()
    .describe(`Only return items whose ${key} is exactly this catalog value`);

const TEXT_MISSING = "text is empty: type a word to search for";

/** Words to search for, as a query parameter: trimmed; empty, too long or wordless text is refused with the reason. */
export const textSchema = z
  .string({ error: (issue) => (issue.input === undefined ? TEXT_MISSING : "text must be given once") })
  .superRefine((value, ctx) => {
    const problem = textQueryProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((value) => value.trim())
  .describe(
    `Words to match in the product name and metadata (at most ${TEXT_MAX_CHARS} characters): a product matches when it holds every word ` +
      "(case, accents and plurals ignored; the last word also as the start of a word)",
  );

/** k, region, mode, the filters, paging and feedback, as query parameters: shared by POST /api/search and the share URL. */
export const searchParamsSchema = z.object({
  k: kSchema,
  crop: cropSchema,
  mode: modeSchema,
  articleType: filterValueSchema("articleType"),
  masterCategory: filterValueSchema("masterCategory"),
  gender: filterValueSchema("gender"),
  baseColour: filterValueSchema("baseColour"),
  ...pageParamsSchema.shape,
  ...feedbackParamsSchema.shape,
  text: textSchema.optional(),
});
export type SearchParams = z.infer<typeof searchParamsSchema>;

/** Query parameters as Next hands them to pages, or as URLSearchParams. */
export type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

/**
 * Flattens query parameters into a record for a zod schema: an empty value counts
 * as absent (an "Any" select submits ""), a repeated key stays an array so the
 * schema rejects it rather than silently taking one of them.
 */
export function toParamRecord(raw: RawParams): Record<string, string | string[]> {
  const entries: [string, string | string[] | undefined][] =
    raw instanceof URLSearchParams
      ? [...new Set(raw.keys())].map((key) => {
          const all = raw.getAll(key);
          return [key, all.length === 1 ? all[0] : all];
        })
      : Object.entries(raw);
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of entries) {
    if (value === undefined || value === "") continue;
    record[key] = value;
  }
  return record;
}

/**
 * Parses k, crop, mode, the filters, offset, sort, feedback and text from query parameters; throws AppError `bad_request`.
 * Unknown parameters are ignored unless `schema` is a strict variant.
 */
export function parseSearchParams(raw: RawParams, schema: z.ZodType<SearchParams> = searchParamsSchema): SearchOptions {
  const { k, crop, mode, offset, sort, positive, negative, text, ...rest } = parseOrThrow(schema, toParamRecord(raw));
  const filters: SearchFilters = {};
  for (const key of filterKeys) {
    const value = rest[key];
    if (value !== undefined) filters[key] = value;
  }
  return { k, filters, region: crop, mode, ...toExploreOptions({ offset, sort, positive, negative }), ...(text !== undefined ? { text } : {}) };
}

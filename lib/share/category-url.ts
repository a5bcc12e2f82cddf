import { z } from "zod";
import { parseOrThrow } from "../errors";
import { filterKeys, type SearchFilters } from "../vector-store/types";
import { searchParamsSchema, toParamRecord, type RawParams } from "./search-params";
import { appendFilters } from "./share-url";

const PAGE_MESSAGE = "page must be a whole number from 1";

/** A category page's parameters: the filters other than its own articleType (same names and checks as the search URL) and the page. */
const categoryParamsSchema = z.object({
  masterCategory: searchParamsSchema.shape.masterCategory,
  gender: searchParamsSchema.shape.gender,
  baseColour: searchParamsSchema.shape.baseColour,
  page: z
    .string({ error: PAGE_MESSAGE })
    .regex(/^[0-9]{1,6}$/, { error: PAGE_MESSAGE })
    .default("1")
    .transform(Number)
    .pipe(z.number().int().min(1, { error: PAGE_MESSAGE })),
});

export type CategoryBrowse = { filters: SearchFilters; page: number };

/** A category page's URL with its filters and page (page 1 and unset filters left out). */
export function buildCategoryHref(articleType: string, browse: Partial<CategoryBrowse> = {}): string {
  const params = new URLSearchParams();
  appendFilters(params, { ...browse.filters, articleType: undefined });
  if (browse.page && browse.page > 1) params.append("page", String(browse.page));
  const query = params.toString();
  return `/categories/${encodeURIComponent(articleType)}${query ? `?${query}` : ""}`;
}

/** Reads a category page's parameters; throws AppError `bad_request` (unknown parameters are ignored). */
export function parseCategoryParams(raw: RawParams): CategoryBrowse {
  const { page, ...rest } = parseOrThrow(categoryParamsSchema, toParamRecord(raw));
  const filters: SearchFilters = {};
  for (const key of filterKeys) {
    const value = (rest as SearchFilters)[key];
    if (value !== undefined) filters[key] = value;
  }
  return { filters, page };
}

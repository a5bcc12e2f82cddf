import type { SearchOptions } from "../search/types";
import { appendExploreParams } from "./explore-params";
import { parseSearchParams, type RawParams } from "./search-params";
import { appendFilters } from "./share-url";

export type ItemBrowse = Pick<SearchOptions, "filters" | "offset" | "sort" | "feedback">;

/** An item page's URL with its "more like this" filters, page, sort and feedback (defaults left out). */
export function buildItemHref(id: string, browse: ItemBrowse): string {
  const params = new URLSearchParams();
  appendFilters(params, browse.filters);
  appendExploreParams(params, browse);
  const query = params.toString();
  return `/items/${encodeURIComponent(id)}${query ? `?${query}` : ""}`;
}

/** Reads an item page's parameters (the same names and checks as the search URL); throws AppError `bad_request`. */
export function parseItemParams(raw: RawParams): ItemBrowse {
  const { filters, offset, sort, feedback } = parseSearchParams(raw);
  return { filters, offset, sort, feedback };
}

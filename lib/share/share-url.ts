import type { SearchOptions } from "../search/types";
import { filterKeys, type SearchFilters } from "../vector-store/types";
import { decodeQueryParam, encodeQueryParam } from "./query-param";
import { DEFAULT_SEARCH_MODE } from "../colour/colour-fusion";
import { appendExploreParams } from "./explore-params";
import { toCropParam } from "./region-param";
import { parseSearchParams, toParamRecord, type RawParams } from "./search-params";

/** A shared search: a photo (`query`), words (`text`), or both ("like this photo, Puma only"). */
export type SharedSearch = SearchOptions & { query?: Uint8Array };

/**
 * The shareable results URL: everything needed to repeat the search lives in it
 * (query image bytes and/or text, k, region, mode, filters, sort, offset, feedback) in a fixed parameter order, so equal searches
 * give equal URLs and no server keeps state.
 */
export function buildShareHref(search: SharedSearch): string {
  const params = new URLSearchParams();
  if (search.query) params.append("q", encodeQueryParam(search.query));
  if (search.text) params.append("text", search.text);
  params.append("k", String(search.k));
  // Defaults (auto region, balanced mode) are left out, so a plain search keeps its short URL.
  const crop = toCropParam(search.region);
  if (crop) params.append("crop", crop);
  if (search.mode && search.mode !== DEFAULT_SEARCH_MODE) params.append("mode", search.mode);
  appendFilters(params, search.filters);
  appendExploreParams(params, search);
  return `/search?${params.toString()}`;
}

/** Reads a shareable results URL's parameters (a photo, text or both); throws AppError `bad_request`. */
export function parseShareParams(raw: RawParams): SharedSearch {
  const record = toParamRecord(raw);
  const { q, ...rest } = record;
  const options = parseSearchParams(rest);
  // Without text the photo is required, and a missing one is reported as such.
  const query = q !== undefined || options.text === undefined ? decodeQueryParam(q) : undefined;
  return { ...(query ? { query } : {}), ...options };
}

/** Appends the set filters in their canonical order. */
export function appendFilters(params: URLSearchParams, filters: SearchFilters | undefined): void {
  for (const key of filterKeys) {
    const value = filters?.[key];
    if (value) params.append(key, value);
  }
}


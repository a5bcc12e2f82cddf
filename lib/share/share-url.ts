import type { SearchOptions } from "../search/types";
import { filterKeys, type SearchFilters } from "../vector-store/types";
import { decodeQueryParam, encodeQueryParam } from "./query-param";
import { DEFAULT_SEARCH_MODE } from "../colour/colour-fusion";
import { appendExploreParams } from "./explore-params";
import { toCropParam } from "./region-param";
import { parseSearchParams, toParamRecord, type RawParams } from "./search-params";

export type SharedSearch = SearchOptions & { query: Uint8Array };

/**
 * The shareable results URL: everything needed to repeat the search lives in it
 * (query image bytes, k, region, mode, filters, sort, offset, feedback) in a fixed parameter order, so equal searches
 * give equal URLs and no server keeps state.
 */
export function buildShareHref(search: SharedSearch): string {
  const params = new URLSearchParams({ q: encodeQueryParam(search.query), k: String(search.k) });
  // Defaults (auto region, balanced mode) are left out, so a plain search keeps its short URL.
  const crop = toCropParam(search.region);
  if (crop) params.append("crop", crop);
  if (search.mode && search.mode !== DEFAULT_SEARCH_MODE) params.append("mode", search.mode);
  appendFilters(params, search.filters);
  appendExploreParams(params, search);
  return `/search?${params.toString()}`;
}

/** Reads a shareable results URL's parameters; throws AppError `bad_request`. */
export function parseShareParams(raw: RawParams): SharedSearch {
  const record = toParamRecord(raw);
  const query = decodeQueryParam(record.q);
  const { q: _q, ...rest } = record;
  return { query, ...parseSearchParams(rest) };
}

/** Appends the set filters in their canonical order. */
export function appendFilters(params: URLSearchParams, filters: SearchFilters | undefined): void {
  for (const key of filterKeys) {
    const value = filters?.[key];
    if (value) params.append(key, value);
  }
}


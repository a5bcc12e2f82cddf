import type { CatalogItem } from "../catalog/types";
import { AppError } from "../errors";
import { filterKeys, type FilterKey, type SearchFilters } from "../vector-store/types";

/**
 * Paging and sorting reach this many best matches of a query, no further: k + offset ≤ it,
 * `sort=name` orders these many, and the live filter counts are taken over them. Past
 * the first few hundred matches of a photo search, similarity says little.
 */
export const EXPLORE_MAX = 500;

export const sortOrders = ["match", "name"] as const;
export type SortOrder = (typeof sortOrders)[number];

/** What every offset check says, at the API and in the engine. */
export const OFFSET_MESSAGE = `offset must be a whole number from 0, with k + offset at most ${EXPLORE_MAX}`;

/** Throws AppError `bad_request` unless 0 ≤ offset and k + offset ≤ EXPLORE_MAX. */
export function checkPage(k: number, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || k + offset > EXPLORE_MAX) throw new AppError("bad_request", OFFSET_MESSAGE);
}

/** How many best matches a page needs from the store: up to its end, or all EXPLORE_MAX to sort them by name. */
export function countNeeded(k: number, offset: number, sort: SortOrder): number {
  return sort === "name" ? EXPLORE_MAX : k + offset;
}

/** The page [offset, offset + k) of best-first hits, reordered by product name first when asked. */
export function selectPage<T extends { item: CatalogItem }>(hits: readonly T[], k: number, offset: number, sort: SortOrder): T[] {
  const ordered = sort === "name" ? [...hits].sort((a, b) => compareNames(a.item, b.item)) : hits;
  return ordered.slice(offset, offset + k);
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function compareNames(a: CatalogItem, b: CatalogItem): number {
  return collator.compare(a.productDisplayName, b.productDisplayName) || collator.compare(a.id, b.id);
}

export type FacetCount = { value: string; count: number };
export type FacetCounts = Record<FilterKey, FacetCount[]>;

/**
 * Counts per filter value over a query's best matches (unfiltered), as a shop's facets do:
 * a key's counts apply every other active filter but not its own, so each offered value
 * leads to that many results among these matches. The active value stays listed (count 0
 * when none is left) so it can be seen and removed. Most frequent first, then by name.
 */
export function countFacets(candidates: readonly CatalogItem[], filters: SearchFilters = {}): FacetCounts {
  const counts = {} as FacetCounts;
  for (const key of filterKeys) {
    const tally = new Map<string, number>();
    for (const item of candidates) {
      if (!filterKeys.every((other) => other === key || !filters[other] || item[other] === filters[other])) continue;
      const value = item[key];
      if (value) tally.set(value, (tally.get(value) ?? 0) + 1);
    }
    const active = filters[key];
    if (active && !tally.has(active)) tally.set(active, 0);
    counts[key] = [...tally].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || collator.compare(a.value, b.value));
  }
  return counts;
}

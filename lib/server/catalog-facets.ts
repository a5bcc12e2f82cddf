import type { CatalogItem } from "../catalog/types";
import { AppError } from "../errors";
import { filterKeys, type FilterKey, type SearchFilters } from "../vector-store/types";

export type FacetValue = { value: string; count: number };
/** Every value each filterable field takes in the catalog, most frequent first. */
export type CatalogFacets = Record<FilterKey, FacetValue[]>;

const facetsCache = new WeakMap<readonly CatalogItem[], CatalogFacets>();

/** Counts the values of each filterable field; computed once per catalog. */
export function getCatalogFacets(items: readonly CatalogItem[]): CatalogFacets {
  const cached = facetsCache.get(items);
  if (cached) return cached;
  const facets = Object.fromEntries(
    filterKeys.map((key) => {
      const counts = new Map<string, number>();
      for (const item of items) {
        if (item[key]) counts.set(item[key], (counts.get(item[key]) ?? 0) + 1);
      }
      const values = [...counts].map(([value, count]) => ({ value, count }));
      values.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      return [key, values];
    }),
  ) as CatalogFacets;
  facetsCache.set(items, facets);
  return facets;
}

/**
 * Checks each filter against the catalog's values (case-insensitively, returning
 * the catalog's spelling); an unknown value is AppError `bad_request` listing the
 * allowed ones.
 */
export function resolveFilters(facets: CatalogFacets, filters: SearchFilters | undefined): SearchFilters {
  const resolved: SearchFilters = {};
  for (const key of filterKeys) {
    const wanted = filters?.[key];
    if (wanted === undefined) continue;
    const match = facets[key].find((facet) => facet.value.toLowerCase() === wanted.toLowerCase());
    if (!match) {
      const allowed = facets[key].map((facet) => facet.value).sort((a, b) => a.localeCompare(b));
      throw new AppError("bad_request", `Unknown ${key} "${wanted}". Allowed values: ${allowed.join(", ")}.`);
    }
    resolved[key] = match.value;
  }
  return resolved;
}

export type CategorySummary = FacetValue & { sample: CatalogItem };

/** Each articleType with its item count and first item (for a sample photo), most frequent first. */
export function getCategorySummaries(items: readonly CatalogItem[]): CategorySummary[] {
  const samples = new Map<string, CatalogItem>();
  for (const item of items) if (!samples.has(item.articleType)) samples.set(item.articleType, item);
  return getCatalogFacets(items).articleType.flatMap((facet) => {
    const sample = samples.get(facet.value);
    return sample ? [{ ...facet, sample }] : [];
  });
}

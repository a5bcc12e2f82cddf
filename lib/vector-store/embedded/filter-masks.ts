import type { CatalogItem } from "../../catalog/types";
import { filterKeys, type FilterKey, type SearchFilters } from "../types";


const CACHE_LIMIT = 64;

/**
 * Row masks for metadata filters over a catalog in index order. Masks of each
 * filter combination are cached (bounded), so repeated filtered searches cost
 * nothing extra. Values are matched exactly: which values a request may name is
 * decided at the boundary (lib/server/catalog-facets.ts); here a value no row has
 * simply matches no row, as in SQL.
 */
export class FilterMasks {
  private readonly rowsByValue = new Map<FilterKey, Map<string, number[]>>();
  private readonly cache = new Map<string, Uint8Array>();

  constructor(private readonly items: readonly CatalogItem[]) {
    for (const field of filterKeys) {
      const byValue = new Map<string, number[]>();
      items.forEach((item, row) => {
        const value = item[field];
        if (!value) return;
        const rows = byValue.get(value) ?? [];
        rows.push(row);
        byValue.set(value, rows);
      });
      this.rowsByValue.set(field, byValue);
    }
  }

  /** The mask for `filters`, or undefined when no filter is set. */
  maskFor(filters: SearchFilters | undefined): Uint8Array | undefined {
    const active = filterKeys.filter((f) => filters?.[f] !== undefined && filters[f] !== "");
    if (active.length === 0) return undefined;
    const key = active.map((f) => `${f}=${filters![f]}`).join("&");
    const hit = this.cache.get(key);
    if (hit) return hit;
    const mask = new Uint8Array(this.items.length);
    active.forEach((field, i) => {
      const value = filters![field]!;
      for (const row of this.rowsByValue.get(field)?.get(value) ?? []) if (mask[row] === i) mask[row] = i + 1;
    });
    const target = active.length;
    for (let row = 0; row < mask.length; row++) mask[row] = mask[row] === target ? 1 : 0;
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, mask);
    return mask;
  }
}

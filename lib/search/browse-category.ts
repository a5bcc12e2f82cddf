import type { CatalogItem } from "../catalog/types";
import { filterKeys, type SearchFilters } from "../vector-store/types";
import { countFacets, type FacetCounts } from "./explore";

/** Products per page of a category's grid. */
export const CATEGORY_PAGE_SIZE = 30;

export type CategoryPage = {
  /** Items of the category under the filters, over all pages. */
  total: number;
  pageCount: number;
  /** This page's items, in catalog order. */
  items: CatalogItem[];
  /** Per filter, the values within the category with their counts (each applies the other filters, as countFacets does). */
  facets: FacetCounts;
};

/** One page of an articleType's items under the filters, with the live filter counts within that articleType. */
export function browseCategory(
  items: readonly CatalogItem[],
  articleType: string,
  filters: SearchFilters,
  page: number,
  pageSize = CATEGORY_PAGE_SIZE,
): CategoryPage {
  const inCategory = items.filter((item) => item.articleType === articleType);
  const matching = inCategory.filter((item) => filterKeys.every((key) => !filters[key] || item[key] === filters[key]));
  return {
    total: matching.length,
    pageCount: Math.ceil(matching.length / pageSize),
    items: matching.slice((page - 1) * pageSize, page * pageSize),
    facets: countFacets(inCategory, { ...filters, articleType }),
  };
}

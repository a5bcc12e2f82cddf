import Link from "next/link";
import type { FacetCounts } from "@/lib/search/explore";
import type { FilterKey, SearchFilters } from "@/lib/vector-store/types";

const labels: Record<FilterKey, string> = { articleType: "Category", masterCategory: "Department", gender: "Gender", baseColour: "Colour" };
const SHOWN = 8;

/**
 * Narrow-down links with live counts (over the best matches, see countFacets): the most
 * frequent values of each key not yet filtered on; a value with no match is not offered.
 */
export function FacetChips({
  facets,
  keys,
  filters,
  hrefFor,
}: {
  facets: FacetCounts;
  keys: readonly FilterKey[];
  filters: SearchFilters;
  hrefFor: (key: FilterKey, value: string) => string;
}) {
  const open = keys.filter((key) => !filters[key] && facets[key].filter((f) => f.count > 0).length > 1);
  if (open.length === 0) return null;
  return (
    <div className="flex flex-col gap-1 text-sm" data-testid="facet-chips">
      {open.map((key) => (
        <div key={key} className="flex flex-wrap items-center gap-1.5">
          <span className="text-neutral-600">{labels[key]}:</span>
          {facets[key]
            .filter((f) => f.count > 0)
            .slice(0, SHOWN)
            .map(({ value, count }) => (
              <Link key={value} href={hrefFor(key, value)} className="rounded-full border border-neutral-300 bg-white px-2.5 py-0.5 hover:border-neutral-500">
                {value} ({count})
              </Link>
            ))}
        </div>
      ))}
    </div>
  );
}

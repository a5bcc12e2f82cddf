import type { CatalogFacets } from "@/lib/server/catalog-facets";
import { K_MAX } from "@/lib/search/k-bounds";
import { filterKeys, type FilterKey, type SearchFilters } from "@/lib/vector-store/types";

const filterLabels: Record<FilterKey, string> = {
  articleType: "Category",
  masterCategory: "Department",
  gender: "Gender",
  baseColour: "Colour",
};

const fieldClass =
  "mt-1 block w-full rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600";

/**
 * The number of results and one select per filter, named as in the share URL.
 * Filters in `fixed` are not offered (a category page's search is within that category).
 */
export function FilterFields({
  facets,
  defaults,
  defaultK,
  fixed,
  idPrefix,
  className = "grid grid-cols-2 gap-3 sm:grid-cols-5",
}: {
  facets: CatalogFacets;
  defaults?: SearchFilters;
  defaultK: number;
  fixed?: SearchFilters;
  idPrefix: string;
  className?: string;
}) {
  return (
    <div className={className}>
      {filterKeys
        .filter((key) => !fixed?.[key])
        .map((key) => (
          <label key={key} htmlFor={`${idPrefix}-${key}`} className="block text-sm font-medium text-neutral-700">
            {filterLabels[key]}
            <select id={`${idPrefix}-${key}`} name={key} defaultValue={defaults?.[key] ?? ""} className={fieldClass}>
              <option value="">Any</option>
              {facets[key].map(({ value, count }) => (
                <option key={value} value={value}>
                  {value} ({count})
                </option>
              ))}
            </select>
          </label>
        ))}
      <label htmlFor={`${idPrefix}-k`} className="block text-sm font-medium text-neutral-700">
        Results
        <input id={`${idPrefix}-k`} name="k" type="number" min={1} max={K_MAX} step={1} defaultValue={defaultK} className={fieldClass} />
      </label>
      {filterKeys
        .filter((key) => fixed?.[key])
        .map((key) => (
          <input key={key} type="hidden" name={key} value={fixed?.[key]} />
        ))}
    </div>
  );
}

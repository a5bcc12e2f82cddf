import Link from "next/link";
import type { SortOrder } from "@/lib/search/explore";
import type { Feedback } from "@/lib/search/feedback";
import type { FilterKey, SearchFilters } from "@/lib/vector-store/types";
import { filterKeys } from "@/lib/vector-store/types";

const chipClass = "inline-flex items-center gap-1 rounded-full border border-neutral-300 bg-white px-2.5 py-0.5 text-sm hover:border-neutral-500";

/**
 * Above the results: the sort order, every active filter and the feedback as chips that
 * remove themselves in one click. Hrefs come from the page (the share URL owns the parameters).
 */
export function ResultTools({
  sort,
  filters,
  feedback,
  hrefs,
}: {
  sort: SortOrder;
  filters: SearchFilters;
  feedback: Feedback;
  hrefs: { sort: (sort: SortOrder) => string; withoutFilter: (key: FilterKey) => string; withoutFeedback: string };
}) {
  const judged = feedback.positive.length + feedback.negative.length;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="result-tools">
      <span className="text-neutral-600">Sort:</span>
      {(["match", "name"] as const).map((order) =>
        order === sort ? (
          <span key={order} aria-current="true" className={`${chipClass} border-neutral-800 font-medium`}>
            {order === "match" ? "Best match" : "Name A–Z"}
          </span>
        ) : (
          <Link key={order} href={hrefs.sort(order)} className={chipClass}>
            {order === "match" ? "Best match" : "Name A–Z"}
          </Link>
        ),
      )}
      <RemoveFilterChips filters={filters} hrefFor={hrefs.withoutFilter} />
      {judged > 0 && (
        <Link href={hrefs.withoutFeedback} className={chipClass} aria-label="Clear the feedback">
          Refined: {feedback.positive.length} more like, {feedback.negative.length} less like <span aria-hidden="true">×</span>
        </Link>
      )}
    </div>
  );
}

/** Each active filter as a chip whose link removes it (one click). */
export function RemoveFilterChips({ filters, hrefFor }: { filters: SearchFilters; hrefFor: (key: FilterKey) => string }) {
  return filterKeys
    .filter((key) => filters[key])
    .map((key) => (
      <Link key={key} href={hrefFor(key)} className={chipClass} aria-label={`Remove filter ${filters[key]}`}>
        {filters[key]} <span aria-hidden="true">×</span>
      </Link>
    ));
}

/** "Show more": the next page of matches, while the explore bound allows. */
export function ShowMore({ href, from }: { href: string | undefined; from: number }) {
  if (!href) return null;
  return (
    <nav aria-label="More results" className="flex justify-center">
      <Link href={href} rel="next" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium hover:border-neutral-500">
        Show more (from result {from})
      </Link>
    </nav>
  );
}

import Link from "next/link";

/** Shown above the results when none reaches the Good band: say so, and offer the next steps. */
export function NoMatchPanel({ allCategoriesHref }: { allCategoriesHref?: string }) {
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900" role="note" data-testid="no-close-match">
      <p className="font-medium">No close match in the catalog.</p>
      <p className="mt-1">These are the nearest products, but none is likely to be what your photo shows.</p>
      <ul className="mt-2 flex flex-wrap gap-4">
        <li>
          <a href="#query" className="underline">
            Try cropping to the product
          </a>
        </li>
        {allCategoriesHref && (
          <li>
            <Link href={allCategoriesHref} className="underline">
              Search all categories
            </Link>
          </li>
        )}
      </ul>
    </div>
  );
}

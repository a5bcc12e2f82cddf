import Link from "next/link";

/** Previous / next links for a paginated grid; pages are 1-based, their hrefs come from the page (which owns its URL). */
export function Pagination({ hrefFor, page, pageCount }: { hrefFor: (page: number) => string; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  const href = hrefFor;
  const linkClass = "rounded-md border border-neutral-300 bg-white px-3 py-1.5 hover:border-neutral-500";
  return (
    <nav aria-label="Pages" className="mt-6 flex items-center justify-center gap-4 text-sm">
      {page > 1 ? (
        <Link href={href(page - 1)} rel="prev" className={linkClass}>
          ← Previous
        </Link>
      ) : (
        <span className="px-3 py-1.5 text-neutral-500">← Previous</span>
      )}
      <span aria-current="page">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link href={href(page + 1)} rel="next" className={linkClass}>
          Next →
        </Link>
      ) : (
        <span className="px-3 py-1.5 text-neutral-500">Next →</span>
      )}
    </nav>
  );
}

/** Placeholder tiles shown while a grid of products loads. */
export function GridSkeleton({ tiles = 10 }: { tiles?: number }) {
  return (
    <ul aria-hidden="true" className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-5">
      {Array.from({ length: tiles }, (_, i) => (
        <li key={i} className="rounded-lg border border-neutral-200 bg-white p-2">
          <div className="aspect-[3/4] animate-pulse rounded bg-neutral-200" />
          <div className="mt-2 h-4 w-3/4 animate-pulse rounded bg-neutral-200" />
          <div className="mt-1 h-3 w-1/2 animate-pulse rounded bg-neutral-100" />
        </li>
      ))}
    </ul>
  );
}

/** Screen-reader status for a loading page. */
export function LoadingStatus({ label }: { label: string }) {
  return (
    <p role="status" aria-live="polite" className="sr-only">
      {label}
    </p>
  );
}

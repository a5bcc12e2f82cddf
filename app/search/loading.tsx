import { GridSkeleton, LoadingStatus } from "../_components/grid-skeleton";

export default function Loading() {
  return (
    <div className="grid gap-8 lg:grid-cols-[16rem_1fr]">
      <LoadingStatus label="Searching for similar products…" />
      <div aria-hidden="true" className="flex h-64 animate-pulse flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
        <div className="mx-auto h-40 w-32 rounded bg-neutral-200" />
        <div className="h-4 w-3/4 rounded bg-neutral-200" />
      </div>
      <div className="flex flex-col gap-4">
        <div aria-hidden="true" className="h-8 w-64 animate-pulse rounded bg-neutral-200" />
        <GridSkeleton />
      </div>
    </div>
  );
}

import { GridSkeleton, LoadingStatus } from "../../_components/grid-skeleton";

export default function Loading() {
  return (
    <div className="flex flex-col gap-6">
      <LoadingStatus label="Loading the category…" />
      <div aria-hidden="true" className="h-8 w-48 animate-pulse rounded bg-neutral-200" />
      <div aria-hidden="true" className="h-56 animate-pulse rounded-lg bg-neutral-100" />
      <GridSkeleton tiles={15} />
    </div>
  );
}

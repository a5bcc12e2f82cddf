import { GridSkeleton, LoadingStatus } from "../../_components/grid-skeleton";

export default function Loading() {
  return (
    <div className="flex flex-col gap-4">
      <LoadingStatus label="Loading categories…" />
      <div aria-hidden="true" className="h-8 w-48 animate-pulse rounded bg-neutral-200" />
      <GridSkeleton tiles={12} />
    </div>
  );
}

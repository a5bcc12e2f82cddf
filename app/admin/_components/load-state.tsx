import type { Loaded } from "./use-console-data";

/** What a console list shows while it loads or when the admin API refused. */
export function LoadState({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  if (loaded.state === "loading") {
    return (
      <p role="status" className="text-sm text-neutral-600">
        Loading {what}…
      </p>
    );
  }
  if (loaded.state === "error") {
    return (
      <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
        <p className="font-semibold">Could not load {what}</p>
        <p className="mt-1">{loaded.message}</p>
      </div>
    );
  }
  return null;
}

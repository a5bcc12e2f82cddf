"use client";

import { ItemPhoto } from "./item-photo";
import { LoadState } from "./load-state";
import { useConsole, useConsoleTask } from "./console-context";
import { useConsoleData } from "./use-console-data";
import type { CurationItem } from "./admin-api";

const PAGE = 50;

/** Near-duplicate groups (keep one, delete the rest, or delete one) and blank photos (delete). */
export function DuplicatesList() {
  const { api } = useConsole();
  const loaded = useConsoleData(() => api.duplicates(PAGE, 0));
  if (loaded.state !== "ready") return <LoadState loaded={loaded} what="the duplicates" />;
  const { groups, blank, total } = loaded.value;
  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="groups-heading" className="flex flex-col gap-3">
        <h2 id="groups-heading" className="text-lg font-semibold">
          Near-duplicate groups <span className="text-sm font-normal text-neutral-600">({total > groups.length ? `${groups.length} of ${total}` : total})</span>
        </h2>
        {groups.length === 0 && <p className="text-sm text-neutral-600">No near-duplicates.</p>}
        <ul className="flex flex-col gap-3" data-testid="duplicate-groups">
          {groups.map((group) => (
            <DuplicateGroup key={group.items.map((item) => item.id).join(" ")} items={group.items} maxScore={group.maxScore} samePhoto={group.samePhoto} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="blank-heading" className="flex flex-col gap-3">
        <h2 id="blank-heading" className="text-lg font-semibold">
          Blank or near-blank photos <span className="text-sm font-normal text-neutral-600">({blank.length})</span>
        </h2>
        {blank.length === 0 && <p className="text-sm text-neutral-600">No blank photos.</p>}
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" data-testid="blank-photos">
          {blank.map((item) => (
            <li key={item.id}>
              <ProductTile item={item} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function DuplicateGroup({ items, maxScore, samePhoto }: { items: CurationItem[]; maxScore: number; samePhoto: boolean }) {
  return (
    <li className="rounded-lg border border-neutral-200 bg-white p-4" data-testid="duplicate-group">
      <p className="mb-2 text-sm text-neutral-700">
        {items.length} products{samePhoto ? ", the same photo file" : ""}, cosine up to {maxScore.toFixed(3)}
      </p>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6">
        {items.map((item) => (
          <li key={item.id}>
            <ProductTile item={item} others={items.filter((other) => other.id !== item.id).map((other) => other.id)} />
          </li>
        ))}
      </ul>
    </li>
  );
}

/** One product with Delete, and in a group Keep (deletes the others; each delete undoable). */
function ProductTile({ item, others }: { item: CurationItem; others?: string[] }) {
  const { id } = item;
  const { actions } = useConsole();
  const { busy, error, run } = useConsoleTask();
  return (
    <div className="flex flex-col items-start gap-2" data-testid="product-tile" data-id={id}>
      <ItemPhoto id={id} alt={item.productDisplayName} />
      <span className="text-xs">
        <span className="font-mono">{id}</span> · {item.label}
      </span>
      <span className="line-clamp-2 text-xs text-neutral-600" title={item.productDisplayName}>
        {item.productDisplayName}
      </span>
      <div className="flex flex-wrap gap-1">
        {others && others.length > 0 && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() =>
              run("keep", async () => {
                for (const other of others) await actions.remove(other);
              })
            }
            className="rounded border border-neutral-300 px-2 py-1 text-xs hover:border-neutral-500 disabled:opacity-60"
            aria-label={`Keep ${id}, delete the other ${others.length}`}
          >
            {busy === "keep" ? "Keeping…" : "Keep"}
          </button>
        )}
        <button
          type="button"
          disabled={busy !== null}
          onClick={() => run("delete", () => actions.remove(id))}
          className="rounded border border-red-300 px-2 py-1 text-xs text-red-800 hover:border-red-500 disabled:opacity-60"
          aria-label={`Delete ${id}`}
        >
          {busy === "delete" ? "Deleting…" : "Delete"}
        </button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}

"use client";

import { useState } from "react";
import { ItemPhoto } from "./item-photo";
import { LoadState } from "./load-state";
import { useConsole, useConsoleTask } from "./console-context";
import { useConsoleData } from "./use-console-data";
import type { Suspect } from "./admin-api";

const PAGE = 20;
const percent = (value: number) => `${Math.round(value * 100)}%`;

/** Suspected mislabels, most suspicious first, each with its evidence, Relabel and Dismiss. */
export function SuspectsList() {
  const { api } = useConsole();
  const [offset, setOffset] = useState(0);
  const loaded = useConsoleData(() => api.suspects(PAGE, offset), [offset]);
  if (loaded.state !== "ready") return <LoadState loaded={loaded} what="the suspected mislabels" />;
  const { suspects, total } = loaded.value;
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-neutral-600">
        {total === 0 ? "No suspected mislabels." : `${offset + 1}–${offset + suspects.length} of ${total}, most suspicious first.`}
      </p>
      <ol className="flex flex-col gap-3" data-testid="suspects">
        {suspects.map((suspect, i) => (
          <SuspectRow key={suspect.id} suspect={suspect} rank={offset + i + 1} />
        ))}
      </ol>
      {total > PAGE && (
        <div className="flex gap-3">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} className="rounded border border-neutral-300 px-3 py-1 text-sm disabled:opacity-50">
            Previous
          </button>
          <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)} className="rounded border border-neutral-300 px-3 py-1 text-sm disabled:opacity-50">
            Next
          </button>
        </div>
      )}
    </div>
  );
}

function SuspectRow({ suspect, rank }: { suspect: Suspect; rank: number }) {
  const { actions } = useConsole();
  const { busy, error, run } = useConsoleTask();
  return (
    <li className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4 sm:flex-row" data-testid="suspect" data-id={suspect.id}>
      <ItemPhoto id={suspect.id} alt={suspect.productDisplayName} />
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <p className="text-sm">
          <span className="font-semibold">#{rank}</span> <span className="font-mono">{suspect.id}</span>: labelled <strong data-testid="current-label">{suspect.label}</strong>, looks like{" "}
          <strong data-testid="suggested-label">{suspect.suggested}</strong>
        </p>
        <p className="text-sm text-neutral-700">{suspect.productDisplayName}</p>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-neutral-700 sm:grid-cols-4">
          <div>
            <dt className="font-medium">Suspicion</dt>
            <dd>{percent(suspect.score)} of neighbours disagree</dd>
          </div>
          <div>
            <dt className="font-medium">Neighbour votes</dt>
            <dd>
              {suspect.votes.suggested} {suspect.suggested}, {suspect.votes.own} {suspect.label} of {suspect.votes.k}
            </dd>
          </div>
          <div>
            <dt className="font-medium">Classifier: {suspect.label}</dt>
            <dd>{suspect.classifier ? percent(suspect.classifier.own) : "—"}</dd>
          </div>
          <div>
            <dt className="font-medium">Classifier: {suspect.suggested}</dt>
            <dd>{suspect.classifier ? percent(suspect.classifier.suggested) : "—"}</dd>
          </div>
        </dl>
        {suspect.neighbours.length > 0 && (
          <ul className="flex flex-wrap gap-1" aria-label={`Nearest neighbours of ${suspect.id} labelled ${suspect.suggested}`}>
            {suspect.neighbours.slice(0, 8).map((id) => (
              <li key={id}>
                <ItemPhoto id={id} alt={`Neighbour ${id}`} size="sm" />
              </li>
            ))}
          </ul>
        )}
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => run("relabel", () => actions.relabel(suspect.id, suspect.suggested))}
            className="rounded bg-neutral-900 px-3 py-1 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60"
          >
            {busy === "relabel" ? "Relabelling…" : `Relabel as ${suspect.suggested}`}
          </button>
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => run("dismiss", () => actions.dismiss(suspect.id))}
            className="rounded border border-neutral-300 px-3 py-1 text-sm hover:border-neutral-500 disabled:opacity-60"
          >
            {busy === "dismiss" ? "Dismissing…" : "Dismiss"}
          </button>
        </div>
        {error && (
          <p role="alert" className="text-sm text-red-800">
            {error}
          </p>
        )}
      </div>
    </li>
  );
}

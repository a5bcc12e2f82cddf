"use client";

import { describeAction } from "./console-actions";
import { useConsole, useConsoleTask } from "./console-context";

/** This tab's recent console changes, newest first, each with Undo. */
export function RecentActions() {
  const { recent, actions } = useConsole();
  const { busy, error, run } = useConsoleTask();
  return (
    <section aria-labelledby="recent-actions-heading" className="rounded-lg border border-neutral-200 bg-white p-4" data-testid="recent-actions">
      <h2 id="recent-actions-heading" className="text-base font-semibold">
        Recent actions
      </h2>
      {recent.length === 0 ? (
        <p className="mt-1 text-sm text-neutral-600">Nothing changed from this tab yet. Relabels, dismissals and deletes show here, each with Undo.</p>
      ) : (
        <ul className="mt-2 flex flex-col gap-2">
          {recent.map((action) => (
            <li key={action.key} className="flex flex-wrap items-center justify-between gap-2 text-sm" data-testid="recent-action" data-kind={action.kind} data-id={action.id}>
              <span>{describeAction(action)}</span>
              <button
                type="button"
                disabled={busy !== null}
                onClick={() => run(action.key, () => actions.undo(action.key))}
                className="rounded border border-neutral-300 px-2 py-1 hover:border-neutral-500 disabled:opacity-60"
              >
                {busy === action.key ? "Undoing…" : "Undo"}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {error}
        </p>
      )}
    </section>
  );
}

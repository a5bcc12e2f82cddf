"use client";

import { useState, type FormEvent } from "react";
import { CSRF_HEADER } from "./admin-api";
import { applyImportLine, countCsvRows, importFraction, readImportLines, startImportProgress, type ImportProgress } from "./import-progress";

/** Uploads a CSV and photos (or one archive) to POST /api/items/import and shows its NDJSON progress as a bar. */
export function ImportForm({ csrfToken }: { csrfToken: string }) {
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const csv = form.get("csv");
    setError(null);
    if (!(csv instanceof File) || csv.size === 0) return setError("Choose the CSV file.");
    let current = startImportProgress(countCsvRows(await csv.text()));
    setProgress(current);
    try {
      const response = await fetch("/api/items/import", { method: "POST", body: form, headers: { [CSRF_HEADER]: csrfToken }, credentials: "same-origin" });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setProgress(null);
        return setError(body?.error?.message ?? `The import was refused (${response.status}).`);
      }
      await readImportLines(response.body, (line) => {
        current = applyImportLine(current, line);
        setProgress(current);
      });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }
  const fraction = progress ? importFraction(progress) : 0;
  return (
    <div className="flex flex-col gap-4">
      <form onSubmit={submit} className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4" data-testid="import-form">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Products (styles.csv columns; id, articleType and productDisplayName required)
          <input name="csv" type="file" accept=".csv,text/csv" required className="text-sm font-normal" />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Photos named &lt;id&gt;.jpg, or one .zip / .tar / .tar.gz
          <input name="images" type="file" multiple required className="text-sm font-normal" />
        </label>
        <button type="submit" disabled={progress?.state === "running"} className="self-start rounded bg-neutral-900 px-4 py-2 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60">
          Import
        </button>
      </form>
      {error && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          {error}
        </p>
      )}
      {progress && (
        <section aria-labelledby="import-progress-heading" className="flex flex-col gap-2" data-testid="import-progress" data-state={progress.state}>
          <h2 id="import-progress-heading" className="text-base font-semibold">
            {progress.state === "running" ? "Importing…" : progress.state === "done" ? "Import done" : "Import stopped"}
          </h2>
          <div
            role="progressbar"
            aria-label="Import progress"
            aria-valuemin={0}
            aria-valuemax={progress.total}
            aria-valuenow={progress.done}
            className="h-3 w-full overflow-hidden rounded bg-neutral-200"
          >
            <div className="h-full bg-emerald-700 transition-[width]" style={{ width: `${Math.round(fraction * 100)}%` }} />
          </div>
          <p className="text-sm text-neutral-700" aria-live="polite">
            {progress.done} of {progress.total} rows: {progress.added} added, {progress.replaced} replaced, {progress.unchanged} unchanged, {progress.errors.length} refused
          </p>
          {progress.failure && <p role="alert" className="text-sm text-red-800">{progress.failure} Rerun the import to complete it.</p>}
          {progress.errors.length > 0 && (
            <ul className="max-h-48 overflow-auto text-xs text-red-900">
              {progress.errors.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

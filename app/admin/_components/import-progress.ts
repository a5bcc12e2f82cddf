/**
 * The import's NDJSON answer (POST /api/items/import, one line per row, then `done`
 * or `failed`) folded into progress for the console's bar.
 */
import Papa from "papaparse";
import type { z } from "zod";
import { importLineSchema } from "@/app/api/item-schema";

export type ImportLine = z.infer<typeof importLineSchema>;

export type ImportProgress = {
  /** Rows in the CSV, counted before sending; the `done` line has the server's count. */
  total: number;
  /** Rows answered so far (stored or refused). */
  done: number;
  added: number;
  replaced: number;
  unchanged: number;
  errors: string[];
  state: "running" | "done" | "failed";
  failure?: string;
};

/** The data rows of a CSV (quoted line breaks and blank lines handled as the server does). */
export function countCsvRows(text: string): number {
  return Papa.parse(text, { header: true, skipEmptyLines: true }).data.length;
}

/** Progress before the first line. */
export function startImportProgress(total: number): ImportProgress {
  return { total, done: 0, added: 0, replaced: 0, unchanged: 0, errors: [], state: "running" };
}

/** The progress after one line. */
export function applyImportLine(progress: ImportProgress, line: ImportLine): ImportProgress {
  switch (line.type) {
    case "item":
      return { ...progress, done: progress.done + 1, [line.status]: progress[line.status] + 1 };
    case "error": {
      const where = line.line !== undefined ? `line ${line.line}` : (line.image ?? line.id ?? "upload");
      // A photo without a CSV row is refused too, but it is not one of the rows counted.
      return { ...progress, done: progress.done + (line.line !== undefined ? 1 : 0), errors: [...progress.errors, `${where}: ${line.message}`] };
    }
    case "done":
      return { ...progress, total: line.rows, done: line.rows, added: line.added, replaced: line.replaced, unchanged: line.unchanged, state: "done" };
    case "failed":
      return { ...progress, state: "failed", failure: line.message };
  }
}

/** The share of rows answered, 0..1. */
export function importFraction(progress: ImportProgress): number {
  if (progress.state === "done") return 1;
  return progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
}

/** Reads an NDJSON body line by line, calling `onLine` with each parsed line as it arrives. */
export async function readImportLines(body: ReadableStream<Uint8Array>, onLine: (line: ImportLine) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const flush = (text: string) => {
    if (text.trim() === "") return;
    onLine(importLineSchema.parse(JSON.parse(text)));
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      flush(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  }
  flush(buffered + decoder.decode());
}

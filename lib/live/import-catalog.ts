import Papa from "papaparse";
import { AppError, toAppError } from "../errors";
import { addItem, type AddOptions, type EditorContext, type NearDuplicate } from "./catalog-editor";
import { newItemFieldsSchema, requiredFields, type NewItemFields } from "./item-fields";

/** One photo of an import: `id` is the file name without its extension, as in the data set (`1163.jpg`). */
export type ImportImage = { id: string; name: string; bytes: Uint8Array };

/** Progress of an import, one event per CSV row or stray photo, then `done`. Streamed as NDJSON. */
export type ImportEvent =
  | { type: "item"; line: number; id: string; status: "added" | "replaced" | "unchanged"; duplicates: NearDuplicate[] }
  | { type: "error"; line?: number; id?: string; image?: string; message: string }
  | { type: "done"; rows: number; added: number; replaced: number; unchanged: number; errors: number };

type Row = { line: number; fields: NewItemFields };

/**
 * Imports products from a CSV (the data set's styles.csv columns; id, articleType and
 * productDisplayName required) and their photos (matched by id). Every row is added
 * or replaced on its own and is durable once its event is out, so an interrupted
 * import keeps what it did and a rerun completes it: rows already imported with
 * the same photo and metadata come back `unchanged` (idempotent by id).
 */
export async function* importCatalog(
  ctx: EditorContext,
  csvText: string,
  images: AsyncIterable<ImportImage>,
  options: Omit<AddOptions, "replace"> = {},
): AsyncGenerator<ImportEvent> {
  const { rows, errors } = parseImportCsv(csvText);
  const counts = { rows: rows.size + errors.length, added: 0, replaced: 0, unchanged: 0, errors: errors.length };
  yield* errors;
  const seen = new Set<string>();
  for await (const image of images) {
    const row = rows.get(image.id);
    if (!row) {
      counts.errors++;
      yield { type: "error", image: image.name, message: `No CSV row with id ${image.id}; photo skipped` };
      continue;
    }
    if (seen.has(image.id)) {
      counts.errors++;
      yield { type: "error", line: row.line, id: image.id, image: image.name, message: "A second photo for this id; skipped" };
      continue;
    }
    seen.add(image.id);
    try {
      const result = await addItem(ctx, image.bytes, row.fields, { ...options, replace: true });
      counts[result.status]++;
      yield { type: "item", line: row.line, id: image.id, status: result.status, duplicates: result.duplicates };
    } catch (error) {
      const appError = toAppError(error);
      // Disk full, a corrupt log, a lock held too long...: stop rather than report every following row as failed.
      if (["internal", "overloaded", "insufficient_storage", "storage_unavailable"].includes(appError.code)) throw appError;
      counts.errors++;
      yield { type: "error", line: row.line, id: image.id, image: image.name, message: appError.message };
    }
  }
  for (const row of rows.values()) {
    if (seen.has(row.fields.id)) continue;
    counts.errors++;
    yield { type: "error", line: row.line, id: row.fields.id, message: "No photo for this row" };
  }
  yield { type: "done", ...counts };
}

/** Parses and validates the CSV: valid rows by id, and one error event per bad row. */
export function parseImportCsv(text: string): { rows: Map<string, Row>; errors: ImportEvent[] } {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (header) => header.trim(),
  });
  const columns = parsed.meta.fields ?? [];
  for (const required of ["id", ...requiredFields]) {
    if (!columns.includes(required)) {
      throw new AppError("bad_request", `The CSV has no "${required}" column (columns: ${columns.join(", ") || "none"})`);
    }
  }
  const rows = new Map<string, Row>();
  const errors: ImportEvent[] = [];
  // Papaparse reports errors per data row index; the header is line 1.
  const badRows = new Map(parsed.errors.filter((e) => e.row !== undefined).map((e) => [e.row!, e.message]));
  parsed.data.forEach((record, index) => {
    const line = index + 2;
    const problem = badRows.get(index);
    const result = newItemFieldsSchema.safeParse(record);
    if (problem || !result.success) {
      const message = problem ?? result.error!.issues.map((i) => `${String(i.path[0] ?? "")}: ${i.message}`).join("; ");
      errors.push({ type: "error", line, id: record.id, message });
      return;
    }
    if (rows.has(result.data.id)) {
      errors.push({ type: "error", line, id: result.data.id, message: `Duplicate id; the row on line ${rows.get(result.data.id)!.line} is used` });
      return;
    }
    rows.set(result.data.id, { line, fields: result.data });
  });
  return { rows, errors };
}

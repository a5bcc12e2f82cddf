import Papa from "papaparse";
import { z } from "zod";
import { AppError } from "../errors";
import { buildRecord, productFields, type CatalogItem } from "./types";

/** The columns of the data set's `styles.csv`; all of them must be in the header. */
export const styleColumns = ["id", ...productFields] as const;
export type StyleColumn = (typeof styleColumns)[number];

/** Columns the data set leaves empty now and then; an empty value is kept as "" and counted. */
export const optionalColumns = ["baseColour", "season", "year", "usage"] as const;

/**
 * One validated CSV row. Known columns are typed; any other column of the file is
 * kept too (as a string) so that any column can serve as the label.
 */
export const csvRowSchema = z
  .object({
    id: z.string().regex(/^\d+$/, "id must be a non-empty run of digits"),
    ...buildRecord(productFields, () => z.string()),
  })
  .catchall(z.string());
export type CsvRow = z.infer<typeof csvRowSchema>;

export const csvIssueKinds = [
  "recovered_name",
  "invalid_id",
  "duplicate_id",
  "too_few_fields",
  "empty_field",
  "malformed_quotes",
] as const;
export type CsvIssueKind = (typeof csvIssueKinds)[number];

/** Something the parser noticed in one record; `line` is where the record starts (1-based, header = 1). */
export type CsvIssue = {
  kind: CsvIssueKind;
  line: number;
  /** The row's id as written, when there is one. */
  id?: string;
  /** For `empty_field`: the empty columns. */
  columns?: string[];
  message: string;
};

export type ParsedStylesCsv = {
  /** Header columns, trimmed, in file order. */
  columns: string[];
  /** Valid rows in file order, first occurrence of each id. */
  rows: CsvRow[];
  issues: CsvIssue[];
  /** Number of non-blank records after the header, valid or not. */
  recordCount: number;
  /** Empty values per column among the kept rows (the id column never appears). */
  emptyFields: Record<string, number>;
};

/** The catalog fields of a row, the CSV's own shape converted to the catalog's. */
export type CatalogFields = Pick<CatalogItem, StyleColumn>;

/**
 * Parses the text of a styles.csv: header row, BOM, CRLF and quoted newlines tolerated;
 * defective records are recovered or skipped and always reported in `issues`.
 */
export function parseStylesCsv(text: string): ParsedStylesCsv {
  // One line-ending convention makes papaparse's newline guess safe on mixed files and
  // line numbers trivial; it only changes CRLFs inside quoted values, which are not data.
  const normalised = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const parsed = Papa.parse<string[]>(normalised, {
    delimiter: ",",
    newline: "\n",
    quoteChar: '"',
    skipEmptyLines: true,
  });
  const records = parsed.data;
  const header = records[0];
  if (!header || header.every((cell) => cell.trim() === "")) {
    throw new AppError("bad_request", "styles.csv is empty: expected a header row");
  }
  const columns = header.map((cell) => cell.trim());
  assertHeader(columns);

  const badRows = new Map<number, string>();
  for (const error of parsed.errors) {
    if (typeof error.row === "number") badRows.set(error.row, error.message);
  }
  const lineOf = createLineLocator(normalised, records);
  const nameIndex = columns.indexOf("productDisplayName");
  const idIndex = columns.indexOf("id");
  const rows: CsvRow[] = [];
  const issues: CsvIssue[] = [];
  const emptyFields: Record<string, number> = {};
  const seen = new Set<string>();
  let recordCount = 0;

  for (let r = 1; r < records.length; r++) {
    const fields = records[r] ?? [];
    const line = lineOf(r);
    if (fields.length === 1 && fields[0]?.trim() === "") continue; // a whitespace-only line
    recordCount++;
    // The only free-text column holds any stray commas; rejoin it so the name survives.
    const extra = fields.length - columns.length;
    const values =
      extra > 0
        ? [...fields.slice(0, nameIndex), fields.slice(nameIndex, nameIndex + extra + 1).join(","), ...fields.slice(nameIndex + extra + 1)]
        : fields;
    const id = values[idIndex]?.trim() || undefined;
    const quoteError = badRows.get(r);
    if (quoteError !== undefined) {
      issues.push({ kind: "malformed_quotes", line, id, message: `${quoteError}; record skipped` });
      continue;
    }
    if (extra < 0) {
      const message = `${fields.length} fields, expected ${columns.length}; record skipped`;
      issues.push({ kind: "too_few_fields", line, id, message });
      continue;
    }
    if (extra > 0) {
      const message = `${fields.length} fields; productDisplayName rejoined as "${values[nameIndex]?.trim()}"`;
      issues.push({ kind: "recovered_name", line, id, message });
    }
    const record: Record<string, string> = {};
    columns.forEach((column, i) => {
      record[column] = (values[i] ?? "").trim();
    });
    const result = csvRowSchema.safeParse(record);
    if (!result.success) {
      const message = id === undefined ? "empty id; record skipped" : `invalid id "${id}"; record skipped`;
      issues.push({ kind: "invalid_id", line, id, message });
      continue;
    }
    const row = result.data;
    if (seen.has(row.id)) {
      issues.push({ kind: "duplicate_id", line, id: row.id, message: `duplicate id ${row.id}; first row kept` });
      continue;
    }
    seen.add(row.id);
    const empty = columns.filter((column) => column !== "id" && record[column] === "");
    if (empty.length > 0) {
      for (const column of empty) emptyFields[column] = (emptyFields[column] ?? 0) + 1;
      issues.push({ kind: "empty_field", line, id: row.id, columns: empty, message: `empty: ${empty.join(", ")}` });
    }
    rows.push(row);
  }
  return { columns, rows, issues, recordCount, emptyFields };
}

/** Converts a CSV row to the catalog's own fields (the `to*` converter of the external shape). */
export function toCatalogFields(row: CsvRow): CatalogFields {
  return { id: row.id, ...buildRecord(productFields, (field) => row[field]) };
}

function assertHeader(columns: string[]): void {
  const missing = styleColumns.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new AppError(
      "bad_request",
      `styles.csv is missing required column(s): ${missing.join(", ")} (header has: ${columns.join(", ")})`,
    );
  }
  const repeated = columns.filter((column, i) => columns.indexOf(column) !== i);
  if (repeated.length > 0) {
    throw new AppError("bad_request", `styles.csv repeats column(s) in its header: ${[...new Set(repeated)].join(", ")}`);
  }
}

/**
 * Maps a record index to the line it starts on. Papaparse drops empty lines and gives
 * no positions, so walk the text once: a record spans one line plus one per newline
 * inside its quoted values.
 */
function createLineLocator(text: string, records: string[][]): (record: number) => number {
  const starts: number[] = [];
  let line = 1;
  let index = 0;
  for (const fields of records) {
    while (text[index] === "\n") {
      index++;
      line++;
    }
    starts.push(line);
    const embedded = fields.reduce((n, field) => n + countNewlines(field), 0);
    for (let skipped = 0; skipped <= embedded; skipped++) {
      const next = text.indexOf("\n", index);
      if (next < 0) {
        index = text.length;
        break;
      }
      index = next + 1;
      line++;
    }
  }
  return (record) => starts[record] ?? line;
}

function countNewlines(value: string): number {
  let n = 0;
  for (let i = value.indexOf("\n"); i >= 0; i = value.indexOf("\n", i + 1)) n++;
  return n;
}

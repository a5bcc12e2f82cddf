import type { CsvIssue, CsvIssueKind } from "./csv";
import type { CatalogItem, SplitName } from "./types";

/** One thing the ingest noticed: an item id (or an archive path, or a hash) and what about it. */
export type ReportExample = { id: string; detail?: string };

/** How many of something, with the first few (by id) as examples. */
export type Tally = { count: number; examples: ReportExample[] };

export type LabelCount = { label: string; count: number };

/** `<catalogDir>/ingest-report.json`: every defect the ingest met, counted, none silently dropped. */
export type IngestReport = {
  version: 1;
  source: { images: string; csv: string };
  labelColumn: string;
  minPerLabel: number;
  seed: number;
  itemCount: number;
  splits: Record<SplitName, number>;
  csv: {
    /** Non-blank records after the header. */
    records: number;
    /** Records kept as rows. */
    rows: number;
    recoveredNames: Tally;
    invalidIds: Tally;
    duplicateIds: Tally;
    tooFewFields: Tally;
    malformedQuotes: Tally;
    /** Rows with at least one empty field; `emptyFields` counts them per column. */
    rowsWithEmptyFields: Tally;
    emptyFields: Record<string, number>;
  };
  images: {
    /** Image entries read from the source. */
    entries: number;
    unsafePaths: Tally;
    skippedEntries: Tally;
    duplicateIds: Tally;
    withoutRow: Tally;
    /** Excluded from the catalog: not an image, unsupported format, corrupt, too many pixels. */
    unreadable: Tally;
    greyscale: Tally;
    cmyk: Tally;
    alpha: Tally;
    extensionMismatch: Tally;
    /** Photos that show nothing (kept in the catalog, kept out of search results); optional in reports written before. */
    blank?: Tally;
    sizes: { dominant: string | null; counts: Record<string, number>; other: Tally };
    /** Byte-identical images under different ids: examples are `{ id: sha256, detail: ids }`. */
    duplicates: { groups: number; redundantImages: number; crossLabelGroups: number; examples: ReportExample[] };
    /** Distinct stored files, and how many of them this run had to write. */
    filesStored: number;
    filesWritten: number;
  };
  rowsWithoutImage: Tally;
  labels: { kept: LabelCount[]; dropped: LabelCount[]; emptyLabel: Tally };
};

export const reportExampleLimit = 10;

/** Builds a tally from all occurrences, keeping the first few in id order so reports are stable. */
export function toTally(all: readonly ReportExample[], limit = reportExampleLimit): Tally {
  const examples = [...all].sort((a, b) => compareIds(a.id, b.id)).slice(0, limit);
  return { count: all.length, examples };
}

/** Orders digit-only ids numerically and everything else by code unit. */
export function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/.test(a) && /^\d+$/.test(b);
  if (numeric && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts the CSV issues by kind, with examples. */
export function summariseCsv(
  issues: CsvIssue[],
  records: number,
  rows: number,
  emptyFields: Record<string, number>,
): IngestReport["csv"] {
  const of = (kind: CsvIssueKind) =>
    toTally(
      issues
        .filter((issue) => issue.kind === kind)
        .map((issue) => ({ id: issue.id ?? `line ${issue.line}`, detail: `line ${issue.line}: ${issue.message}` })),
    );
  return {
    records,
    rows,
    recoveredNames: of("recovered_name"),
    invalidIds: of("invalid_id"),
    duplicateIds: of("duplicate_id"),
    tooFewFields: of("too_few_fields"),
    malformedQuotes: of("malformed_quotes"),
    rowsWithEmptyFields: of("empty_field"),
    emptyFields,
  };
}

/** Counts image sizes; the most common one is taken as the norm. */
export function summariseSizes(items: CatalogItem[]): IngestReport["images"]["sizes"] {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const size = `${item.width}x${item.height}`;
    counts[size] = (counts[size] ?? 0) + 1;
  }
  // The most common size is the norm; everything else is worth a look.
  const dominant = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
  const other = items
    .filter((item) => `${item.width}x${item.height}` !== dominant)
    .map((item) => ({ id: item.id, detail: `${item.width}x${item.height}` }));
  const sorted = Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  return { dominant, counts: sorted, other: toTally(other) };
}

/** Groups items whose image bytes are identical. */
export function summariseDuplicates(items: CatalogItem[]): IngestReport["images"]["duplicates"] {
  const byHash = new Map<string, CatalogItem[]>();
  for (const item of items) byHash.set(item.imageHash, [...(byHash.get(item.imageHash) ?? []), item]);
  const groups = [...byHash.values()].filter((group) => group.length > 1);
  const examples = groups
    .map((group) => ({ id: group[0]?.imageHash ?? "", first: group[0]?.id ?? "", detail: group.map((i) => i.id).join(", ") }))
    .sort((a, b) => compareIds(a.first, b.first))
    .slice(0, 10)
    .map(({ id, detail }) => ({ id, detail }));
  return {
    groups: groups.length,
    redundantImages: groups.reduce((sum, group) => sum + group.length - 1, 0),
    crossLabelGroups: groups.filter((group) => new Set(group.map((i) => i.label)).size > 1).length,
    examples,
  };
}

/** Counts items per split. */
export function countSplits(items: CatalogItem[]): Record<SplitName, number> {
  const counts: Record<SplitName, number> = { train: 0, val: 0, test: 0, excluded: 0 };
  for (const item of items) counts[item.split]++;
  return counts;
}

/** Renders the report as a console summary, one line per defect class (zeros included). */
export function formatIngestReport(report: IngestReport): string {
  const { csv, images, labels, splits } = report;
  const lines: string[] = [];
  lines.push(
    `Catalog: ${n(report.itemCount)} items — train ${n(splits.train)}, val ${n(splits.val)}, ` +
      `test ${n(splits.test)}, excluded ${n(splits.excluded)}`,
  );
  lines.push(`CSV ${report.source.csv}: ${n(csv.records)} records, ${n(csv.rows)} rows kept`);
  lines.push(tallyLine("recovered names (unquoted commas)", csv.recoveredNames));
  lines.push(tallyLine("invalid or empty ids (skipped)", csv.invalidIds));
  lines.push(tallyLine("duplicate ids (first kept)", csv.duplicateIds));
  lines.push(tallyLine("too few fields (skipped)", csv.tooFewFields));
  lines.push(tallyLine("malformed quotes (skipped)", csv.malformedQuotes));
  const empty = Object.entries(csv.emptyFields)
    .map(([column, count]) => `${column} ${n(count)}`)
    .join(", ");
  lines.push(`  rows with empty fields: ${n(csv.rowsWithEmptyFields.count)}${empty ? ` (${empty})` : ""}`);
  lines.push(`Images ${report.source.images}: ${n(images.entries)} image entries`);
  lines.push(tallyLine("unsafe paths (not read)", images.unsafePaths));
  lines.push(tallyLine("other entries skipped", images.skippedEntries));
  lines.push(tallyLine("same id twice in the source (first kept)", images.duplicateIds));
  lines.push(tallyLine("rows without an image", report.rowsWithoutImage));
  lines.push(tallyLine("images without a row", images.withoutRow));
  lines.push(tallyLine("unreadable images (excluded)", images.unreadable));
  lines.push(tallyLine("greyscale (kept)", images.greyscale));
  lines.push(tallyLine("CMYK (kept)", images.cmyk));
  lines.push(tallyLine("with alpha (kept)", images.alpha));
  lines.push(tallyLine("extension does not match content (kept)", images.extensionMismatch));
  if (images.blank) lines.push(tallyLine("blank photos (kept, never a search result)", images.blank));
  const otherSizes = Object.entries(images.sizes.counts)
    .filter(([size]) => size !== images.sizes.dominant)
    .sort((a, b) => b[1] - a[1])
    .map(([size, count]) => `${size} ×${n(count)}`)
    .join(", ");
  const dominant = images.sizes.dominant;
  lines.push(
    `  sizes: ${dominant ? `${dominant} ×${n(images.sizes.counts[dominant] ?? 0)}` : "none"}; ` +
      `other sizes: ${n(images.sizes.other.count)}${otherSizes ? ` (${otherSizes})` : ""}`,
  );
  const dup = images.duplicates;
  lines.push(
    `  byte-identical duplicates: ${n(dup.groups)} groups, ${n(dup.redundantImages)} redundant copies, ` +
      `${n(dup.crossLabelGroups)} groups span labels${dup.examples.length ? `; e.g. ${dup.examples.slice(0, 3).map((e) => `[${e.detail}]`).join(" ")}` : ""}`,
  );
  lines.push(`  stored files: ${n(images.filesStored)} (${n(images.filesWritten)} written by this run)`);
  lines.push(
    `Labels (${report.labelColumn}, at least ${report.minPerLabel}): ${labels.kept.length} kept, ` +
      `${labels.dropped.length} dropped (${n(labels.dropped.reduce((s, l) => s + l.count, 0))} items excluded)`,
  );
  if (labels.dropped.length > 0) {
    const shown = labels.dropped.slice(0, 12).map((l) => `${l.label} ${l.count}`);
    lines.push(`  dropped: ${shown.join(", ")}${labels.dropped.length > 12 ? ", …" : ""}`);
  }
  lines.push(tallyLine("empty label (excluded)", labels.emptyLabel));
  return lines.join("\n");
}

function tallyLine(title: string, tally: Tally): string {
  const shown = tally.examples.slice(0, 5).map((e) => (e.detail ? `${e.id} (${e.detail})` : e.id));
  const more = tally.count > shown.length ? ", …" : "";
  return `  ${title}: ${n(tally.count)}${shown.length ? ` — e.g. ${shown.join(", ")}${more}` : ""}`;
}

function n(value: number): string {
  return value.toLocaleString("en-US");
}

import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { acceptImage, type AcceptedImage } from "../image/accept";
import { checkBlankPhoto } from "../image/blank-photo";
import { parseStylesCsv, toCatalogFields, type CsvRow } from "./csv";
import { readImageEntries, type ImageEntry, type ImageSourceIssue } from "./image-source";
import {
  compareIds,
  countSplits,
  summariseCsv,
  summariseDuplicates,
  summariseSizes,
  toTally,
  type IngestReport,
  type LabelCount,
  type ReportExample,
} from "./ingest-report";
import { defaultFractions, splitStratified } from "./split";
import { publishCatalog, storeImage } from "./store";
import { toCatalogImageExt, type CatalogItem, type CatalogManifest } from "./types";

export { formatIngestReport, type IngestReport } from "./ingest-report";

const ingestOptionsSchema = z.object({
  /** A directory, .tar(.gz) or .zip of `<id>.<ext>` images. */
  images: z.string().min(1),
  /** A styles.csv. */
  csv: z.string().min(1),
  catalogDir: z.string().min(1),
  /** Any CSV column; its value is each item's label. */
  labelColumn: z.string().min(1).default("articleType"),
  minPerLabel: z.number().int().nonnegative().default(100),
  seed: z.number().int().default(42),
  /** Images with more pixels are refused before decoding (decompression bombs). */
  maxPixels: z.number().int().positive().default(50_000_000),
  fractions: z.object({ train: z.number(), val: z.number(), test: z.number() }).default(defaultFractions),
  /** Images decoded at once; sharp runs them on libuv's thread pool, so a few more than cores pays. */
  concurrency: z.number().int().min(1).max(64).default(8),
  /**
   * Publish the items and report as a new catalog generation at the end (default). A
   * pipeline that must finish more work first (embeddings, index) passes false and
   * publishes them itself, with its indexes.
   */
  commit: z.boolean().default(true),
});

export type IngestProgress = { imagesRead: number; itemsDecoded: number };

export type IngestOptions = z.input<typeof ingestOptionsSchema> & {
  /** Called every few hundred images and once at the end of the image pass. */
  onProgress?: (progress: IngestProgress) => void;
};

export type IngestResult = { manifest: CatalogManifest; items: CatalogItem[]; report: IngestReport };

type Decoded = {
  id: string;
  imageHash: string;
  imageExt: CatalogItem["imageExt"];
  width: number;
  height: number;
  greyscale: boolean;
  cmyk: boolean;
  alpha: boolean;
  extensionMismatch: boolean;
  blank: boolean;
};

const progressEvery = 250;

/**
 * Builds a catalog from a CSV and an image source: validates and decodes every image,
 * stores it content-addressed, splits the labels that reach `minPerLabel` 70/15/15
 * (the rest stay servable as `excluded`), writes the report and then the catalog.
 */
export async function ingestCatalog(options: IngestOptions): Promise<IngestResult> {
  const parsedOptions = ingestOptionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new AppError("bad_request", `Invalid ingest options: ${parsedOptions.error.message}`);
  }
  const opts = parsedOptions.data;
  const csv = parseStylesCsv(await readText(opts.csv));
  if (!csv.columns.includes(opts.labelColumn)) {
    throw new AppError(
      "bad_request",
      `Label column "${opts.labelColumn}" is not in the CSV (columns: ${csv.columns.join(", ")})`,
    );
  }
  // An empty catalog would replace the served one with nothing: refuse it instead.
  if (csv.rows.length === 0) throw new AppError("bad_request", `The CSV ${opts.csv} has no usable product rows`);
  const rowsById = new Map(csv.rows.map((row) => [row.id, row]));
  const scan = await scanImages(opts, rowsById, options.onProgress);
  const { decoded } = scan;

  const built = buildItems(csv.rows, decoded, opts);
  if (built.items.length === 0) {
    throw new AppError(
      "bad_request",
      `No image in ${opts.images} both matches a CSV row and decodes (${scan.entries} entries read, ` +
        `${scan.withoutRow.length} without a row, ${scan.unreadable.length} unreadable): nothing to build`,
    );
  }
  const report: IngestReport = {
    version: 1,
    source: { images: path.resolve(opts.images), csv: path.resolve(opts.csv) },
    labelColumn: opts.labelColumn,
    minPerLabel: opts.minPerLabel,
    seed: opts.seed,
    itemCount: built.items.length,
    splits: countSplits(built.items),
    csv: summariseCsv(csv.issues, csv.recordCount, csv.rows.length, csv.emptyFields),
    images: {
      entries: scan.entries,
      unsafePaths: toTally(scan.sourceIssues.filter((i) => i.kind === "unsafe_path").map(toSourceExample)),
      skippedEntries: toTally(scan.sourceIssues.filter((i) => i.kind !== "unsafe_path").map(toSourceExample)),
      duplicateIds: toTally(scan.duplicateIds),
      withoutRow: toTally(scan.withoutRow),
      unreadable: toTally(scan.unreadable),
      greyscale: toTally(pick(decoded, (d) => d.greyscale)),
      cmyk: toTally(pick(decoded, (d) => d.cmyk)),
      alpha: toTally(pick(decoded, (d) => d.alpha)),
      extensionMismatch: toTally(pick(decoded, (d) => d.extensionMismatch, (d) => `stored as ${d.imageExt}`)),
      blank: toTally(pick(decoded, (d) => d.blank, (d) => `sha256 ${d.imageHash.slice(0, 12)}`)),
      sizes: summariseSizes(built.items),
      duplicates: summariseDuplicates(built.items),
      filesStored: scan.filesStored,
      filesWritten: scan.filesWritten,
    },
    rowsWithoutImage: toTally(csv.rows.filter((row) => !scan.seenIds.has(row.id)).map((row) => ({ id: row.id }))),
    labels: built.labels,
  };
  const manifest: CatalogManifest = {
    version: 1,
    createdAt: new Date().toISOString(),
    source: report.source,
    labelColumn: opts.labelColumn,
    minPerLabel: opts.minPerLabel,
    seed: opts.seed,
    itemCount: built.items.length,
    // Sorted by name: a stable class order for anything trained on these labels.
    labels: [...built.labels.kept].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)),
  };
  if (opts.commit) await publishCatalog(opts.catalogDir, manifest, built.items, { report });
  return { manifest, items: built.items, report };
}

type ParsedOptions = z.output<typeof ingestOptionsSchema>;

type ImageScan = {
  entries: number;
  sourceIssues: ImageSourceIssue[];
  seenIds: Set<string>;
  duplicateIds: ReportExample[];
  withoutRow: ReportExample[];
  unreadable: ReportExample[];
  decoded: Map<string, Decoded>;
  filesStored: number;
  filesWritten: number;
};

/**
 * One pass over the image source: every image with a CSV row is decoded and stored,
 * `concurrency` at a time; the first store failure (disk full...) stops the pass.
 */
async function scanImages(
  opts: ParsedOptions,
  rowsById: Map<string, CsvRow>,
  onProgress: IngestOptions["onProgress"],
): Promise<ImageScan> {
  const scan: ImageScan = {
    entries: 0,
    sourceIssues: [],
    seenIds: new Set(),
    duplicateIds: [],
    withoutRow: [],
    unreadable: [],
    decoded: new Map(),
    filesStored: 0,
    filesWritten: 0,
  };
  const writes = new Map<string, Promise<boolean>>();
  let failure: unknown;

  const processEntry = async (entry: ImageEntry) => {
    try {
      const result = await inspectImage(entry, opts.maxPixels);
      if ("reason" in result) {
        scan.unreadable.push({ id: entry.id, detail: `${entry.path}: ${result.reason}` });
        return;
      }
      // Identical bytes share one file; writing it once avoids racing renames.
      let write = writes.get(result.imageHash);
      if (!write) {
        write = storeImage(opts.catalogDir, result, entry.bytes);
        writes.set(result.imageHash, write);
      }
      await write;
      scan.decoded.set(entry.id, result);
    } catch (error) {
      failure ??= error;
    }
  };

  const inFlight = new Set<Promise<void>>();
  const onIssue = (issue: ImageSourceIssue) => scan.sourceIssues.push(issue);
  for await (const entry of readImageEntries(opts.images, { onIssue })) {
    scan.entries++;
    if (scan.entries % progressEvery === 0) onProgress?.({ imagesRead: scan.entries, itemsDecoded: scan.decoded.size });
    if (scan.seenIds.has(entry.id)) {
      scan.duplicateIds.push({ id: entry.id, detail: entry.path });
      continue;
    }
    scan.seenIds.add(entry.id);
    if (!rowsById.has(entry.id)) {
      scan.withoutRow.push({ id: entry.id, detail: entry.path });
      continue;
    }
    const task = processEntry(entry).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
    if (failure !== undefined) break;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  onProgress?.({ imagesRead: scan.entries, itemsDecoded: scan.decoded.size });
  scan.filesStored = writes.size;
  scan.filesWritten = (await Promise.all(writes.values())).filter(Boolean).length;
  return scan;
}

function buildItems(rows: CsvRow[], decoded: Map<string, Decoded>, opts: ParsedOptions) {
  const candidates = rows
    .filter((row) => decoded.has(row.id))
    .map((row) => ({ row, image: decoded.get(row.id) as Decoded, label: row[opts.labelColumn] ?? "" }));
  const labelled = candidates.filter((c) => c.label !== "");
  const split = splitStratified(
    labelled.map((c) => ({ id: c.row.id, label: c.label, group: c.image.imageHash })),
    { seed: opts.seed, minPerLabel: opts.minPerLabel, fractions: opts.fractions },
  );
  const items: CatalogItem[] = candidates.map(({ row, image, label }) => ({
    ...toCatalogFields(row),
    imageHash: image.imageHash,
    imageExt: image.imageExt,
    width: image.width,
    height: image.height,
    label,
    split: split.assignments.get(row.id) ?? "excluded",
    ...(image.blank ? { blank: true as const } : {}),
  }));
  items.sort((a, b) => compareIds(a.id, b.id));
  const byCount = (a: LabelCount, b: LabelCount) => b.count - a.count || (a.label < b.label ? -1 : 1);
  const labels = {
    kept: split.labels.filter((l) => l.kept).map(({ label, count }) => ({ label, count })).sort(byCount),
    dropped: split.labels.filter((l) => !l.kept).map(({ label, count }) => ({ label, count })).sort(byCount),
    emptyLabel: toTally(candidates.filter((c) => c.label === "").map((c) => ({ id: c.row.id }))),
  };
  return { items, labels };
}

/** Accepts, measures and fully decodes one image; a refusal becomes the reason it is reported unreadable. */
async function inspectImage(entry: ImageEntry, maxPixels: number): Promise<Decoded | { reason: string }> {
  let image: AcceptedImage;
  try {
    image = await acceptImage(entry.bytes, "catalog", { maxPixels, verifyPixels: true });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return { reason: `${error.message}${cause}` };
  }
  const ext = toCatalogImageExt(image.format);
  const named = path.extname(entry.name).slice(1).toLowerCase();
  return {
    id: entry.id,
    imageHash: createHash("sha256").update(entry.bytes).digest("hex"),
    imageExt: ext,
    width: image.width,
    height: image.height,
    greyscale: image.channels <= 2 || image.space === "b-w" || image.space === "grey16",
    cmyk: image.space === "cmyk",
    alpha: image.hasAlpha,
    extensionMismatch: (named === "jpeg" ? "jpg" : named) !== ext,
    blank: (await checkBlankPhoto(entry.bytes, { maxPixels })).blank,
  };
}

function pick(decoded: Map<string, Decoded>, test: (d: Decoded) => boolean, detail?: (d: Decoded) => string) {
  return [...decoded.values()].filter(test).map((d) => ({ id: d.id, ...(detail ? { detail: detail(d) } : {}) }));
}

function toSourceExample(issue: ImageSourceIssue): ReportExample {
  return { id: issue.path, detail: issue.message };
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    throw new AppError("not_found", `Cannot read CSV ${file}`, { cause: error });
  }
}

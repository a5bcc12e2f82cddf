import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../lib/config";
import { parseStylesCsv } from "../../lib/catalog/csv";
import { readImageEntries } from "../../lib/catalog/image-source";

/** Common articleTypes of the shared data set, each with well over 100 images. */
export const defaultSubsetLabels = [
  "Tshirts",
  "Shirts",
  "Casual Shoes",
  "Watches",
  "Handbags",
  "Tops",
  "Sports Shoes",
  "Kurtas",
] as const;

export type SubsetOptions = {
  /** Images per label: the first ones in styles.csv order that have an image (default 20). */
  perLabel?: number;
  /** articleTypes to draw from, in this order (default `defaultSubsetLabels`). */
  labels?: readonly string[];
  /** Cap on the label picks, taken round-robin over `labels` so every label is represented (default: no cap). */
  maxItems?: number;
  /**
   * More ids to include whatever their label: their CSV row, and their image when there is
   * one (ids in neither are ignored). An id without an image makes the helper read the
   * whole archive (~1 s) to be sure.
   */
  extra?: readonly string[];
};

export type Subset = {
  /** Fresh temp dir holding `images/` and `styles.csv`. */
  dir: string;
  /** `<dir>/images`, one `<id>.jpg` per id in `ids`. */
  imagesDir: string;
  /** `<dir>/styles.csv`: header plus the chosen rows, byte-for-byte from the original, in its order. */
  csvPath: string;
  /** Chosen ids that have an image, label picks first (round-robin), then extras. */
  ids: string[];
  /** articleType of every id in `ids`. */
  labels: Record<string, string>;
  /** Extra ids whose row was written but that have no image in the data set. */
  rowsWithoutImage: string[];
  /** Removes `dir`. */
  cleanup: () => Promise<void>;
};

/** Paths of the shared data set: `DATASET_DIR`, else `../shared/datasets/fashion-product-images-small` from the cwd. */
export function datasetPaths(): { dir: string; imagesTar: string; stylesCsv: string } {
  const dir = loadConfig().DATASET_DIR;
  return { dir, imagesTar: path.join(dir, "images.tar"), stylesCsv: path.join(dir, "styles.csv") };
}

/** True when the shared data set, or the generated stand-in scripts/test.sh writes without it, is there (for `describe.skipIf(!hasDataset())`). */
export function hasDataset(): boolean {
  const { imagesTar, stylesCsv } = datasetPaths();
  return existsSync(imagesTar) && existsSync(stylesCsv);
}

/** The file that marks the generated stand-in (tests/helpers/synthetic-dataset.ts), so it is written once. */
export const syntheticMarker = "SYNTHETIC.json";

/** Candidates kept in memory per label beyond those needed, in case some rows lack an image. */
const slack = 10;

/**
 * Copies a small, deterministic subset of the shared data set into a temp dir: one pass
 * over images.tar that stops as soon as the choice is settled (usually well before the end).
 * The choice depends only on styles.csv order, never on the archive's order.
 */
export async function extractSubset(options: SubsetOptions = {}): Promise<Subset> {
  const perLabel = options.perLabel ?? 20;
  const labels = options.labels ?? defaultSubsetLabels;
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  const extra = [...new Set(options.extra ?? [])];
  const { imagesTar, stylesCsv } = datasetPaths();
  if (!hasDataset()) throw new Error(`Shared data set not found in ${path.dirname(imagesTar)} (set DATASET_DIR)`);

  const text = await fs.readFile(stylesCsv, "utf8");
  const { rows } = parseStylesCsv(text);
  const labelOf = new Map(rows.map((row) => [row.id, row.articleType]));
  const need = countNeeded(labels, perLabel, maxItems);
  const candidates = new Map<string, string[]>(labels.map((label) => [label, []]));
  for (const row of rows) {
    const list = candidates.get(row.articleType);
    if (list && list.length < (need.get(row.articleType) ?? 0) + slack) list.push(row.id);
  }
  const wanted = new Set([...[...candidates.values()].flat(), ...extra]);

  const found = new Map<string, { name: string; bytes: Buffer }>();
  for await (const entry of readImageEntries(imagesTar)) {
    if (!wanted.has(entry.id) || found.has(entry.id)) continue;
    found.set(entry.id, { name: entry.name, bytes: entry.bytes });
    if (isSettled(candidates, need, extra, found)) break;
  }

  const picks = new Map<string, string[]>();
  for (const [label, ids] of candidates) {
    picks.set(label, ids.filter((id) => found.has(id)).slice(0, need.get(label) ?? 0));
  }
  const chosen = interleave(labels.map((label) => picks.get(label) ?? [])).slice(0, maxItems);
  const ids = [...new Set([...chosen, ...extra.filter((id) => found.has(id))])];
  // Settling needs every extra found, so a missing one means the whole archive was read.
  const rowsWithoutImage = extra.filter((id) => !found.has(id) && labelOf.has(id));

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "catalog-subset-"));
  const imagesDir = path.join(dir, "images");
  await fs.mkdir(imagesDir);
  for (const id of ids) {
    const image = found.get(id);
    if (image) await fs.writeFile(path.join(imagesDir, image.name), image.bytes);
  }
  const csvPath = path.join(dir, "styles.csv");
  await fs.writeFile(csvPath, selectLines(text, new Set([...ids, ...rowsWithoutImage])));
  return {
    dir,
    imagesDir,
    csvPath,
    ids,
    labels: Object.fromEntries(ids.map((id) => [id, labelOf.get(id) ?? ""])),
    rowsWithoutImage,
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** How many picks each label contributes once the round-robin cap applies. */
function countNeeded(labels: readonly string[], perLabel: number, maxItems: number): Map<string, number> {
  const need = new Map(labels.map((label) => [label, 0]));
  const total = Math.min(maxItems, perLabel * labels.length);
  for (let i = 0; i < total; i++) {
    const label = labels[i % labels.length] as string;
    need.set(label, (need.get(label) ?? 0) + 1);
  }
  return need;
}

/** Settled when every label's first `need` candidates, and every extra, have been found. */
function isSettled(
  candidates: Map<string, string[]>,
  need: Map<string, number>,
  extra: readonly string[],
  found: Map<string, unknown>,
): boolean {
  for (const [label, ids] of candidates) {
    const required = Math.min(need.get(label) ?? 0, ids.length);
    if (!ids.slice(0, required).every((id) => found.has(id))) return false;
  }
  return extra.every((id) => found.has(id));
}

function interleave(lists: string[][]): string[] {
  const out: string[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) {
    for (const list of lists) {
      const id = list[i];
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}

/** The header line plus the lines whose first field is a chosen id, untouched. */
function selectLines(text: string, ids: Set<string>): string {
  const lines = text.split("\n");
  const kept = [lines[0] ?? ""];
  for (const line of lines.slice(1)) {
    if (ids.has(line.slice(0, line.indexOf(",")).trim())) kept.push(line);
  }
  return `${kept.join("\n")}\n`;
}

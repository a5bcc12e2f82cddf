import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { parseStylesCsv } from "../catalog/csv";
import { readImageEntries } from "../catalog/image-source";
import { splitStratified } from "../catalog/split";
import type { SplitName } from "../catalog/types";
import { createRng, shuffleInPlace } from "../random";

export type CalibrationPhotoOptions = {
  /** The data set's images (directory, .tar or .zip) and its styles.csv. */
  images: string;
  csv: string;
  /** How many photos, and the seed of the draw among the split's photos. */
  count: number;
  seed: number;
  /** The catalog build's split settings, so the photos come from the split it trains on. */
  split: { labelColumn: string; minPerLabel: number; seed: number };
  /** Which split to draw from (train for calibration; val/test to check agreement). */
  from?: SplitName;
};

export type CalibrationPhoto = { id: string; label: string; bytes: Buffer };

/**
 * Draws `count` photos of one split of the data set, reproducing the catalog build's
 * stratified split (same labels, seed and byte-identical-photo groups) so calibration never
 * sees a val or test photo. Deterministic: same data, options and seed → same photos, in
 * the same order.
 */
export async function readCalibrationPhotos(options: CalibrationPhotoOptions): Promise<CalibrationPhoto[]> {
  const csv = parseStylesCsv(await fs.readFile(options.csv, "utf8"));
  const labels = new Map(csv.rows.map((row) => [row.id, row[options.split.labelColumn as keyof typeof row] ?? ""]));
  const bytes = new Map<string, Buffer>();
  const groups: { id: string; label: string; group: string }[] = [];
  for await (const entry of readImageEntries(options.images)) {
    const label = labels.get(entry.id);
    if (!label || bytes.has(entry.id)) continue;
    bytes.set(entry.id, entry.bytes);
    // The ingest's group key: the sha256 of the image bytes.
    groups.push({ id: entry.id, label, group: createHash("sha256").update(entry.bytes).digest("hex") });
  }
  const { assignments } = splitStratified(groups, { seed: options.split.seed, minPerLabel: options.split.minPerLabel });
  const from = options.from ?? "train";
  const ids = groups.filter((g) => assignments.get(g.id) === from).map((g) => g.id).sort();
  const picked = shuffleInPlace(ids, createRng(options.seed)).slice(0, options.count);
  return picked.map((id) => ({ id, label: labels.get(id)!, bytes: bytes.get(id)! }));
}

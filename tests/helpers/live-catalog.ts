/**
 * Fixtures for the living-catalog tests: a private copy of the small catalog (tests
 * write to it) and photos of products that are not in it, from the shared data set.
 */
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { extractSubset } from "./dataset";

/** Copies a built catalog (all generations, images included) to a fresh temp dir. */
export async function copyCatalog(source = process.env.SMALL_CATALOG_DIR ?? "data/catalog-small"): Promise<string> {
  if (!existsSync(source)) throw new Error(`No catalog in ${source}: run \`npx tsx tests/helpers/build-small-catalog.ts\``);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-live-"));
  await fs.cp(source, dir, { recursive: true });
  return dir;
}

export type NewProducts = {
  /** Temp dir with `images/<id>.jpg` and `styles.csv` (header + the new products' rows). */
  dir: string;
  imagesDir: string;
  csvPath: string;
  ids: string[];
  cleanup: () => Promise<void>;
};

/**
 * `count` products of the data set that the small catalog does not hold (it takes the
 * first 40 photos per label; these come after them), with their photos and CSV rows.
 */
export async function newProducts(catalogIds: ReadonlySet<string>, count: number, labels = ["Watches", "Handbags", "Tshirts"]): Promise<NewProducts> {
  const perLabel = 40 + Math.ceil(count / labels.length) + 2;
  const subset = await extractSubset({ perLabel, labels });
  const ids = subset.ids.filter((id) => !catalogIds.has(id)).slice(0, count);
  if (ids.length < count) throw new Error(`Only ${ids.length} new products found, wanted ${count}`);
  const keep = new Set(ids);
  const lines = (await fs.readFile(subset.csvPath, "utf8")).split(/\r?\n/);
  const rows = lines.slice(1).filter((line) => keep.has(line.split(",")[0] ?? ""));
  await fs.writeFile(subset.csvPath, `${[lines[0], ...rows].join("\n")}\n`);
  for (const name of await fs.readdir(subset.imagesDir)) {
    if (!keep.has(path.parse(name).name)) await fs.rm(path.join(subset.imagesDir, name));
  }
  return { dir: subset.dir, imagesDir: subset.imagesDir, csvPath: subset.csvPath, ids, cleanup: subset.cleanup };
}

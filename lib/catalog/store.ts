import { existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { pathExists, readJson, writeFileAtomic, writeJsonAtomic } from "../fs/atomic";
import { createGeneration, flipCurrent, generationDirOf, pruneGenerations, readCurrentGeneration, servedDirSync } from "./generations";
import { indexPathFor } from "./index-path";
import { catalogItemSchema, catalogManifestSchema, type CatalogItem, type CatalogManifest } from "./types";

/**
 * Files of one catalog generation (see ./generations.ts for CURRENT and the directory
 * layout). `catalog.json` is written last: a generation without it is incomplete and
 * is never served. Photos live once, content-addressed, in `<catalogDir>/images/`,
 * shared by every generation.
 */
// Catalog paths are runtime data, not build inputs: `turbopackIgnore` keeps Next.js from tracing them.
export const catalogFiles = {
  manifest: "catalog.json",
  items: "items.json",
  report: "ingest-report.json",
  images: "images",
} as const;

export type Catalog = { manifest: CatalogManifest; items: CatalogItem[] };

/** A catalog as read: also where it was read from, so that its indexes are looked up in the same generation. */
export type ServedCatalog = Catalog & {
  /** The directory holding catalog.json, items.json and the index files (the catalog directory itself for the legacy layout). */
  generationDir: string;
  /** The generation id, null for the legacy layout. */
  generation: string | null;
};

/** An index file to publish with a generation: `save` writes it to the path it is given. */
export type PublishedIndex = { modelId: string; save: (file: string) => Promise<unknown> };

export type PublishOptions = {
  indexes?: readonly PublishedIndex[];
  /** The ingest report, stored as ingest-report.json in the generation. */
  report?: unknown;
};

const itemsSchema = z.array(catalogItemSchema);

const contentTypes: Record<CatalogItem["imageExt"], string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};

/** Absolute path of an item's stored photo: `<catalogDir>/images/<sha256>.<ext>`. */
export function imagePathFor(dir: string, item: Pick<CatalogItem, "imageHash" | "imageExt">): string {
  return path.resolve(/* turbopackIgnore: true */ dir, catalogFiles.images, `${item.imageHash}.${item.imageExt}`);
}

/** The HTTP content type of a stored photo. */
export function contentTypeFor(item: Pick<CatalogItem, "imageExt">): string {
  return contentTypes[item.imageExt];
}

/**
 * The directory of the served generation: `generations/<CURRENT>/`, else the catalog
 * directory itself when it holds a legacy catalog.json, else null (nothing built yet).
 */
export async function catalogGenerationDir(dir: string): Promise<string | null> {
  const generation = await readCurrentGeneration(dir);
  if (generation !== null) return generationDirOf(dir, generation);
  return (await pathExists(path.join(/* turbopackIgnore: true */ dir, catalogFiles.manifest))) ? dir : null;
}

/** True when a complete catalog is served from `dir` (a current generation or the legacy layout). */
export async function hasCatalog(dir: string): Promise<boolean> {
  const served = await catalogGenerationDir(dir);
  return served !== null && (await pathExists(path.join(/* turbopackIgnore: true */ served, catalogFiles.manifest)));
}

/** Synchronous hasCatalog, for start-up checks in scripts and test set-ups. */
export function hasCatalogSync(dir: string): boolean {
  return existsSync(path.join(/* turbopackIgnore: true */ servedDirSync(dir), catalogFiles.manifest));
}

/**
 * Reads and validates the served catalog of `dir` (current generation, else legacy
 * layout); `not_ready` when there is none, `internal` when it is inconsistent.
 */
export async function readCatalog(dir: string): Promise<ServedCatalog> {
  const generation = await readCurrentGeneration(dir);
  try {
    return await readGeneration(dir, generation);
  } catch (error) {
    // Two publishes between reading CURRENT and the files can prune the generation being
    // read: read the one CURRENT names now instead (once; a real fault fails again).
    const now = await readCurrentGeneration(dir);
    if (now === generation) throw error;
    return readGeneration(dir, now);
  }
}

async function readGeneration(dir: string, generation: string | null): Promise<ServedCatalog> {
  const generationDir = generation === null ? dir : generationDirOf(dir, generation);
  const manifestFile = path.join(/* turbopackIgnore: true */ generationDir, catalogFiles.manifest);
  if (!(await pathExists(manifestFile))) {
    throw new AppError("not_ready", `No catalog in ${dir}: ${catalogFiles.manifest} is missing (build the catalog first)`);
  }
  const manifest = await readJson(manifestFile, catalogManifestSchema);
  const items = await readJson(path.join(/* turbopackIgnore: true */ generationDir, catalogFiles.items), itemsSchema);
  if (items.length !== manifest.itemCount) {
    throw new AppError("internal", `Catalog ${dir} is inconsistent: ${items.length} items, manifest says ${manifest.itemCount}`);
  }
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new AppError("internal", `Catalog ${dir} lists item ${item.id} twice`);
    ids.add(item.id);
  }
  return { manifest, items, generationDir, generation };
}

/**
 * Writes a complete new generation (indexes, items, report, then catalog.json, each
 * atomically) and only then makes it the served one by replacing CURRENT atomically.
 * A crash or kill -9 at any point leaves the previously served catalog as it was.
 * Keeps the previous generation (a legacy top-level catalog counts as one) and
 * removes older ones. One writer at a time per catalog directory.
 */
export async function publishCatalog(
  dir: string,
  manifest: CatalogManifest,
  items: readonly CatalogItem[],
  options: PublishOptions = {},
): Promise<{ generation: string; generationDir: string }> {
  const checkedManifest = catalogManifestSchema.parse(manifest);
  const checkedItems = itemsSchema.parse(items);
  if (checkedItems.length !== checkedManifest.itemCount) {
    throw new AppError("internal", `Manifest itemCount ${checkedManifest.itemCount} != ${checkedItems.length} items`);
  }
  const previous = await readCurrentGeneration(dir);
  const { id, dir: generationDir } = await createGeneration(dir);
  try {
    for (const index of options.indexes ?? []) await index.save(indexPathFor(generationDir, index.modelId));
    await writeJsonAtomic(path.join(/* turbopackIgnore: true */ generationDir, catalogFiles.items), checkedItems);
    if (options.report !== undefined) {
      await writeJsonAtomic(path.join(/* turbopackIgnore: true */ generationDir, catalogFiles.report), options.report);
    }
    await writeJsonAtomic(path.join(/* turbopackIgnore: true */ generationDir, catalogFiles.manifest), checkedManifest);
    await flipCurrent(dir, id);
  } catch (error) {
    await fs.rm(generationDir, { recursive: true, force: true });
    throw error;
  }
  await pruneGenerations(dir, new Set(previous === null ? [id] : [id, previous]), catalogFiles.manifest);
  // Once a generation is the previous one, a legacy top-level catalog is two versions old.
  if (previous !== null) await removeLegacyFiles(dir);
  return { generation: id, generationDir };
}

async function removeLegacyFiles(dir: string): Promise<void> {
  const names = await fs.readdir(dir);
  const legacy = names.filter(
    (name) =>
      name === catalogFiles.manifest ||
      name === catalogFiles.items ||
      name === catalogFiles.report ||
      /^index-[0-9a-f]+\.bin$/.test(name),
  );
  // The manifest goes first, so that an interrupted clean-up never leaves items without it.
  legacy.sort((a, b) => Number(b === catalogFiles.manifest) - Number(a === catalogFiles.manifest));
  for (const name of legacy) await fs.rm(path.join(/* turbopackIgnore: true */ dir, name), { force: true });
}

/**
 * Stores image bytes content-addressed. A file already there with the right size is
 * kept (cheap reruns); a torn one from an interrupted run is rewritten. Returns true
 * when it wrote. Callers must not store the same hash twice concurrently.
 */
export async function storeImage(
  dir: string,
  image: Pick<CatalogItem, "imageHash" | "imageExt">,
  bytes: Uint8Array,
): Promise<boolean> {
  const target = imagePathFor(dir, image);
  try {
    const stat = await fs.stat(target);
    if (stat.isFile() && stat.size === bytes.byteLength) return false;
  } catch {
    // Not there yet.
  }
  await writeFileAtomic(target, bytes);
  return true;
}

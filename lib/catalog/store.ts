import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { pathExists, readJson, writeFileAtomic, writeJsonAtomic } from "../fs/atomic";
import { catalogItemSchema, catalogManifestSchema, type CatalogItem, type CatalogManifest } from "./types";

/**
 * Layout of a catalog directory. `catalog.json` is written last: while it exists the
 * other files are complete and match it.
 */
// Catalog paths are runtime data, not build inputs: `turbopackIgnore` keeps Next.js from tracing them.
export const catalogFiles = {
  manifest: "catalog.json",
  items: "items.json",
  report: "ingest-report.json",
  images: "images",
} as const;

export type Catalog = { manifest: CatalogManifest; items: CatalogItem[] };

const itemsSchema = z.array(catalogItemSchema);

const contentTypes: Record<CatalogItem["imageExt"], string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};

/** Absolute path of an item's stored photo: `<dir>/images/<sha256>.<ext>`. */
export function imagePathFor(dir: string, item: Pick<CatalogItem, "imageHash" | "imageExt">): string {
  return path.resolve(/* turbopackIgnore: true */ dir, catalogFiles.images, `${item.imageHash}.${item.imageExt}`);
}

/** The HTTP content type of a stored photo. */
export function contentTypeFor(item: Pick<CatalogItem, "imageExt">): string {
  return contentTypes[item.imageExt];
}

/** True when `<dir>/catalog.json` exists, i.e. a complete catalog is there. */
export async function hasCatalog(dir: string): Promise<boolean> {
  return pathExists(path.join(/* turbopackIgnore: true */ dir, catalogFiles.manifest));
}

/** Reads and validates a catalog; `not_ready` when there is none, `internal` when it is inconsistent. */
export async function readCatalog(dir: string): Promise<Catalog> {
  const manifestFile = path.join(/* turbopackIgnore: true */ dir, catalogFiles.manifest);
  if (!(await pathExists(manifestFile))) {
    throw new AppError("not_ready", `No catalog in ${dir}: ${catalogFiles.manifest} is missing (build the catalog first)`);
  }
  const manifest = await readJson(manifestFile, catalogManifestSchema);
  const items = await readJson(path.join(/* turbopackIgnore: true */ dir, catalogFiles.items), itemsSchema);
  if (items.length !== manifest.itemCount) {
    throw new AppError("internal", `Catalog ${dir} is inconsistent: ${items.length} items, manifest says ${manifest.itemCount}`);
  }
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new AppError("internal", `Catalog ${dir} lists item ${item.id} twice`);
    ids.add(item.id);
  }
  return { manifest, items };
}

/**
 * Writes items.json then catalog.json, each atomically. An existing catalog.json is
 * removed first so that no reader pairs the old manifest with the new items.
 */
export async function writeCatalog(dir: string, manifest: CatalogManifest, items: CatalogItem[]): Promise<void> {
  const checkedManifest = catalogManifestSchema.parse(manifest);
  const checkedItems = itemsSchema.parse(items);
  if (checkedItems.length !== checkedManifest.itemCount) {
    throw new AppError("internal", `Manifest itemCount ${checkedManifest.itemCount} != ${checkedItems.length} items`);
  }
  await fs.mkdir(dir, { recursive: true });
  await fs.rm(path.join(/* turbopackIgnore: true */ dir, catalogFiles.manifest), { force: true });
  await writeJsonAtomic(path.join(/* turbopackIgnore: true */ dir, catalogFiles.items), checkedItems);
  await writeJsonAtomic(path.join(/* turbopackIgnore: true */ dir, catalogFiles.manifest), checkedManifest);
}

/** Writes the ingest report next to the catalog. */
export async function writeIngestReport(dir: string, report: unknown): Promise<void> {
  await writeJsonAtomic(path.join(/* turbopackIgnore: true */ dir, catalogFiles.report), report);
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

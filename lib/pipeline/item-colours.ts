import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { colourDescriptorDim, type ColourDescriptorConfig } from "../colour/colour-descriptor";
import { describeStudioPhotoColour } from "../colour/studio-colour";
import { VectorCache } from "../embed/vector-cache";
import { createProgress } from "../progress";
import { mapInOrder, startWorkerPool } from "../workers/worker-pool";
import type { ItemFeatureOptions } from "./item-features";

/** Photos described at once per thread: sharp decodes them on its own threads while the masks run on this one. */
const PARALLEL = 8;
/** Below this many photos to describe, worker threads cost more to start than they save. */
const MIN_FOR_WORKERS = 512;
/** Descriptors written per cache chunk. */
const FLUSH_EVERY = 2048;

/** The colour cache lives per descriptor configuration, keyed by image hash like the features. */
export function colourCacheDir(cacheDir: string, config: ColourDescriptorConfig): string {
  const key = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 12);
  return path.join(cacheDir, `colour-${key}`);
}

/**
 * The studio-masked colour descriptors of `items`, in item order, computed for the
 * photos not cached yet (cheap pixel work, cached by content hash, resumable).
 * A photo that cannot be read keeps a zero row: it then matches no colour.
 */
export async function loadItemColours(
  options: Pick<ItemFeatureOptions, "cacheDir" | "catalogDir" | "maxPixels" | "progress"> & {
    /** Worker threads describing photos; 0: this thread. Default: one per core for 512 photos or more. */
    workers?: number;
  },
  config: ColourDescriptorConfig,
  items: readonly CatalogItem[],
): Promise<{ colours: Float32Array; computed: number; failed: number; seconds: number }> {
  const started = performance.now();
  const dim = colourDescriptorDim(config);
  const cache = await VectorCache.open(colourCacheDir(options.cacheDir, config), dim);
  const todo = [...new Map(items.filter((item) => !cache.has(item.imageHash)).map((item) => [item.imageHash, item])).values()];
  let failed = 0;
  let done = 0;
  const progress = todo.length > 0 ? createProgress({ label: "colours", total: todo.length, unit: "photo", sink: options.progress }) : undefined;
  const store = async (item: CatalogItem, colour: Float32Array | null) => {
    if (colour) cache.put(item.imageHash, colour);
    else failed++;
    progress?.advance();
    // Durable every FLUSH_EVERY photos: a killed run keeps what it described.
    if (++done % FLUSH_EVERY === 0) await cache.flush();
  };
  const workers = options.workers ?? (todo.length >= MIN_FOR_WORKERS ? os.availableParallelism() : 0);
  if (workers > 0) {
    // The mask is JavaScript on one core per photo: one thread per core describes them (same values).
    const pool = startWorkerPool<ColourJob, Float32Array | null>(new URL("./item-colour-worker.ts", import.meta.url), workers, undefined);
    try {
      const jobs = todo.map((item) => ({ imagePath: imagePathFor(options.catalogDir, item), config, maxPixels: options.maxPixels }));
      await mapInOrder(pool, jobs, workers * PARALLEL, (colour, i) => store(todo[i]!, colour));
    } finally {
      await pool.close();
    }
  } else {
    for (let start = 0; start < todo.length; start += PARALLEL) {
      const batch = todo.slice(start, start + PARALLEL);
      const described = await Promise.all(batch.map((item) => describeCatalogPhoto(imagePathFor(options.catalogDir, item), config, options.maxPixels)));
      for (const [i, item] of batch.entries()) await store(item, described[i]!);
    }
  }
  await cache.flush();
  progress?.finish();
  const colours = new Float32Array(items.length * dim);
  items.forEach((item, row) => {
    const colour = cache.get(item.imageHash);
    if (colour) colours.set(colour, row * dim);
  });
  return { colours, computed: todo.length - failed, failed, seconds: (performance.now() - started) / 1000 };
}

/** One photo for a colour worker thread (lib/pipeline/item-colour-worker.ts). */
export type ColourJob = { imagePath: string; config: ColourDescriptorConfig; maxPixels: number };

/** A stored photo's studio-masked colour descriptor; null when it cannot be read. */
export async function describeCatalogPhoto(imagePath: string, config: ColourDescriptorConfig, maxPixels: number): Promise<Float32Array | null> {
  try {
    return await describeStudioPhotoColour(await fs.readFile(imagePath), config, { maxPixels });
  } catch {
    return null;
  }
}

import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { colourDescriptorDim, type ColourDescriptorConfig } from "../colour/colour-descriptor";
import { describeStudioPhotoColour } from "../colour/studio-colour";
import { VectorCache } from "../embed/vector-cache";
import type { ItemFeatureOptions } from "./item-features";

/** Photos described at once: sharp decodes them on its own threads while the masks run here. */
const PARALLEL = 8;
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
  options: Pick<ItemFeatureOptions, "cacheDir" | "catalogDir" | "maxPixels">,
  config: ColourDescriptorConfig,
  items: readonly CatalogItem[],
): Promise<{ colours: Float32Array; computed: number; failed: number; seconds: number }> {
  const started = performance.now();
  const dim = colourDescriptorDim(config);
  const cache = await VectorCache.open(colourCacheDir(options.cacheDir, config), dim);
  const todo = [...new Map(items.filter((item) => !cache.has(item.imageHash)).map((item) => [item.imageHash, item])).values()];
  let failed = 0;
  for (let start = 0; start < todo.length; start += PARALLEL) {
    await Promise.all(
      todo.slice(start, start + PARALLEL).map(async (item) => {
        try {
          const bytes = await fs.readFile(imagePathFor(options.catalogDir, item));
          cache.put(item.imageHash, await describeStudioPhotoColour(bytes, config, { maxPixels: options.maxPixels }));
        } catch {
          failed++;
        }
      }),
    );
    if ((start + PARALLEL) % FLUSH_EVERY === 0) await cache.flush();
  }
  await cache.flush();
  const colours = new Float32Array(items.length * dim);
  items.forEach((item, row) => {
    const colour = cache.get(item.imageHash);
    if (colour) colours.set(colour, row * dim);
  });
  return { colours, computed: todo.length - failed, failed, seconds: (performance.now() - started) / 1000 };
}

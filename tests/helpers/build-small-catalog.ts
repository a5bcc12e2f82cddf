/**
 * Builds the small real catalog the API and browser tests serve (8 article
 * types × 40 photos from the shared data set) into data/catalog-small, with
 * whatever model is served. Skips the work when it is already there.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { indexPathFor } from "../../lib/catalog/index-path";
import { hasCatalogSync } from "../../lib/catalog/store";
import { loadConfig } from "../../lib/config";
import { resolveServedModel } from "../../lib/model/manifest";
import { buildCatalog } from "../../lib/pipeline/build-catalog";
import { extractSubset } from "./dataset";

const catalogDir = path.resolve(process.env.SMALL_CATALOG_DIR ?? "data/catalog-small");
const config = loadConfig();
const model = await resolveServedModel(config.MODELS_DIR);
if (hasCatalogSync(catalogDir) && existsSync(indexPathFor(catalogDir, model.id))) {
  console.log(`small catalog: ${catalogDir} is up to date for ${model.name} (${model.id})`);
} else {
  const subset = await extractSubset({ perLabel: 40 });
  try {
    const result = await buildCatalog({
      images: subset.imagesDir,
      csv: subset.csvPath,
      catalogDir,
      modelsDir: config.MODELS_DIR,
      cacheDir: config.CACHE_DIR,
      minPerLabel: 20,
      maxPixels: config.MAX_IMAGE_PIXELS,
      progress: process.stderr,
    });
    console.log(`small catalog: ${result.items.length} items → ${catalogDir} (${result.seconds.total.toFixed(1)} s)`);
  } finally {
    await subset.cleanup();
  }
}

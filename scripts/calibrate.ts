import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { calibrateMatchQuality } from "../lib/pipeline/calibrate-quality";
import { qualityPathFor } from "../lib/search/quality-file";

const optionsSchema = z.object({
  catalog: z.string().optional(),
  /** Seeded non-product images searched as known misses (0: catalog queries only). */
  nonProducts: z.coerce.number().int().min(0).max(5000).default(200),
  /** Share of searches assumed to show no catalog product (weights those misses). */
  noProductShare: z.coerce.number().min(0).max(0.9).default(0.1),
  /** Val products on dev-pool scenes searched through the served path (0: studio queries only). */
  scenes: z.coerce.number().int().min(0).max(5000).default(300),
  /** Share of product searches assumed to be photos in a scene (weights those queries). */
  sceneShare: z.coerce.number().min(0).max(0.9).default(0.5),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const loaded = loadConfig();
  const config = { ...loaded, CATALOG_DIR: options.catalog ? path.resolve(options.catalog) : loaded.CATALOG_DIR };
  const { calibration, modelName, queries, scenes, nonProducts } = await calibrateMatchQuality(config, {
    nonProducts: options.nonProducts,
    noProductShare: options.noProductShare,
    scenes: options.scenes,
    sceneShare: options.sceneShare,
    progress: process.stderr,
  });
  console.log(
    `calibrate: ${modelName} (${calibration.modelId}) fitted on ${queries} val queries, ${scenes} val products in scenes and ${nonProducts} non-product images, ` +
      `${calibration.pairs} results, ${calibration.knots.length} knots`,
  );
  console.log(`calibrate: wrote ${qualityPathFor(config.MODELS_DIR, modelName)}`);
});

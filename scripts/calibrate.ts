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
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const loaded = loadConfig();
  const config = { ...loaded, CATALOG_DIR: options.catalog ? path.resolve(options.catalog) : loaded.CATALOG_DIR };
  const { calibration, modelName, queries, nonProducts } = await calibrateMatchQuality(config, {
    nonProducts: options.nonProducts,
    noProductShare: options.noProductShare,
    progress: process.stderr,
  });
  console.log(
    `calibrate: ${modelName} (${calibration.modelId}) fitted on ${queries} val queries and ${nonProducts} non-product images, ` +
      `${calibration.pairs} results, ${calibration.knots.length} knots`,
  );
  console.log(`calibrate: wrote ${qualityPathFor(config.MODELS_DIR, modelName)}`);
});

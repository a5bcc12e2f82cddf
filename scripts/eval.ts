import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { evaluateCatalog, formatVariantSummary, writeEvalReports } from "../lib/pipeline/evaluate-catalog";

const optionsSchema = z.object({
  catalog: z.string().optional(),
  out: z.string().default("reports"),
  split: z.enum(["test", "val"]).default("test"),
  k: z.coerce.number().int().min(10).max(100).default(10),
  /** Also evaluate the served embedding through an HNSW graph (recall@10 against exact search). */
  hnsw: z.boolean().default(false),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const result = await evaluateCatalog({
    modelsDir: config.MODELS_DIR,
    cacheDir: config.CACHE_DIR,
    catalogDir: options.catalog ? path.resolve(options.catalog) : config.CATALOG_DIR,
    maxPixels: config.MAX_IMAGE_PIXELS,
    split: options.split,
    k: options.k,
    hnsw: options.hnsw,
  });
  await writeEvalReports(options.out, result);
  for (const variant of result.variants) console.log(formatVariantSummary(variant));
  console.log(`eval: wrote ${options.out}/eval.{json,md,svg}`);
});

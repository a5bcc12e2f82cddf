import path from "node:path";
import { z } from "zod";
import { formatIngestReport } from "../lib/catalog/ingest";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { buildCatalog } from "../lib/pipeline/build-catalog";

const optionsSchema = z.object({
  images: z.string().optional(),
  csv: z.string().optional(),
  out: z.string().optional(),
  labelColumn: z.string().default("articleType"),
  minPerLabel: z.coerce.number().int().nonnegative().default(100),
  seed: z.coerce.number().int().default(42),
  batchSize: z.coerce.number().int().min(1).max(256).default(32),
  threads: z.coerce.number().int().min(0).default(0),
  model: z.string().optional(),
  quiet: z.boolean().default(false),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const result = await buildCatalog({
    images: path.resolve(options.images ?? path.join(config.DATASET_DIR, "images.tar")),
    csv: path.resolve(options.csv ?? path.join(config.DATASET_DIR, "styles.csv")),
    catalogDir: options.out ? path.resolve(options.out) : config.CATALOG_DIR,
    modelsDir: config.MODELS_DIR,
    cacheDir: config.CACHE_DIR,
    labelColumn: options.labelColumn,
    minPerLabel: options.minPerLabel,
    seed: options.seed,
    maxPixels: config.MAX_IMAGE_PIXELS,
    batchSize: options.batchSize,
    threads: options.threads || config.ORT_THREADS,
    modelName: options.model,
    progress: process.stderr,
    log: (line) => console.log(line),
  });
  if (!options.quiet) console.log(formatIngestReport(result.report));
  const { seconds, features } = result;
  console.log(
    `catalog:build: ${result.items.length} items with model ${result.model.name} (${result.model.id}); ` +
      `${features.computed} images embedded at ${features.imagesPerSecond.toFixed(1)} images/s ` +
      `(${features.cached} from cache); wall ${seconds.total.toFixed(1)} s ` +
      `(ingest ${seconds.ingest.toFixed(1)}, features ${seconds.features.toFixed(1)}, index ${seconds.index.toFixed(1)})`,
  );
  if (features.failed.length > 0) {
    console.log(`${features.failed.length} images could not be embedded and were left out:`);
    for (const f of features.failed.slice(0, 10)) console.log(`  ${f.key.slice(0, 12)} ${f.reason}`);
  }
});

/**
 * npm run catalog:pg-sync -- [--database-url postgres://…] [--catalog-dir DIR] [--batch-size 1000]
 * Loads the built catalog and its index for the served model into Postgres + pgvector.
 */
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { indexPathFor } from "../lib/catalog/index-path";
import { readCatalog } from "../lib/catalog/store";
import { loadConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { loadFlatIndex } from "../lib/index/index-file";
import { Progress } from "../lib/progress";
import { indexDimOf, resolveServedModel } from "../lib/model/manifest";
import { PgVectorStore } from "../lib/vector-store/pgvector";
import { syncCatalogToPg } from "../lib/vector-store/pg-sync";

const optionsSchema = z.object({
  databaseUrl: z.string().min(1).optional(),
  catalogDir: z.string().min(1).optional(),
  batchSize: z.coerce.number().int().min(1).max(50_000).default(1000),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const databaseUrl = options.databaseUrl ?? config.DATABASE_URL;
  if (!databaseUrl) throw new AppError("bad_request", "Give --database-url or set DATABASE_URL (postgres://user:password@host:5432/db)");
  const catalogDir = options.catalogDir ?? config.CATALOG_DIR;
  const catalog = await readCatalog(catalogDir);
  const { items } = catalog;
  const model = await resolveServedModel(config.MODELS_DIR, config.MODEL_NAME);
  const { index, header } = await loadFlatIndex(indexPathFor(catalog.generationDir, model.id));
  if (header.meta.modelId !== model.id || index.dim !== indexDimOf(model)) {
    throw new AppError("not_ready", `The index of ${catalogDir} was built with another model: run \`npm run catalog:build\``);
  }
  const store = await PgVectorStore.open({
    connectionString: databaseUrl, modelId: model.id, dim: indexDimOf(model), maxConnections: 1,
  });
  try {
    console.log(`syncing ${items.length} items of ${catalogDir} (model ${model.name} ${model.id}, ${index.dim}-d)`);
    const progress = new Progress({ label: "pg-sync", total: items.length, unit: "row", sink: process.stderr });
    const report = await syncCatalogToPg(store, items, index, {
      batchSize: options.batchSize,
      onProgress: ({ done }) => progress.update(done),
    });
    progress.finish();
    const how = report.bulk ? `bulk load ${report.seconds.toFixed(1)} s + HNSW build ${report.indexSeconds.toFixed(1)} s` : `${report.seconds.toFixed(1)} s`;
    console.log(`done (${how}): ${report.upserted} upserted (unchanged rows skipped), ${report.removed} stale removed, ${report.total} stored`);
  } finally {
    await store.close();
  }
});

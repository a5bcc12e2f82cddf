import { indexPathFor } from "../catalog/index-path";
import { ingestCatalog, type IngestReport } from "../catalog/ingest";
import { publishCatalog, readCatalog } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import type { FeatureRunStats } from "../embed/compute-features";
import { AppError } from "../errors";
import { gatherRows } from "../matrix";
import { resolveServedModel, type ModelManifest } from "../model/manifest";
import { loadItemFeatures, resolveBackbone, type ItemFeatureOptions } from "./item-features";
import { embedItems, loadColoursFor, saveModelIndex } from "./model-index";

export type BuildCatalogOptions = ItemFeatureOptions & {
  images: string;
  csv: string;
  labelColumn?: string;
  minPerLabel?: number;
  seed?: number;
  modelName?: string;
  log?: (line: string) => void;
};

export type BuildCatalogResult = {
  items: CatalogItem[];
  report: IngestReport;
  model: ModelManifest;
  features: FeatureRunStats;
  indexFile: string;
  /** The generation the build published (see lib/catalog/generations.ts). */
  generation: string;
  seconds: { ingest: number; features: number; index: number; total: number };
};

/**
 * The whole offline pipeline: ingest (validate, report, split), backbone features
 * for every image not cached yet (resumable), the served model's embeddings, and
 * the flat index. Items, index and report are published together as a new catalog
 * generation: until CURRENT flips at the very end, the previous catalog is served,
 * and a crash or kill -9 leaves it intact.
 */
export async function buildCatalog(options: BuildCatalogOptions): Promise<BuildCatalogResult> {
  const log = options.log ?? (() => {});
  const t0 = Date.now();
  const { manifest, items, report } = await ingestCatalog({
    images: options.images,
    csv: options.csv,
    catalogDir: options.catalogDir,
    labelColumn: options.labelColumn,
    minPerLabel: options.minPerLabel,
    seed: options.seed,
    maxPixels: options.maxPixels,
    commit: false,
  });
  const t1 = Date.now();
  log(`ingest: ${items.length} items in ${((t1 - t0) / 1000).toFixed(1)} s`);

  const model = await resolveServedModel(options.modelsDir, options.modelName);
  const backbone = await resolveBackbone(options.modelsDir, model);
  const { features, stats } = await loadItemFeatures(options, backbone, items);
  const t2 = Date.now();
  log(
    `features: ${stats.computed} computed, ${stats.cached} cached, ${stats.failed.length} failed, ` +
      `${stats.imagesPerSecond.toFixed(1)} images/s`,
  );
  // Items whose image failed to embed cannot be searched: drop them (they are reported).
  const failed = new Set(stats.failed.map((f) => f.key));
  const kept = failed.size === 0 ? items : items.filter((item) => !failed.has(item.imageHash));
  if (kept.length === 0) throw new AppError("bad_request", "No catalog image could be embedded: nothing to publish");
  const dim = features.length / Math.max(items.length, 1);
  const keptFeatures =
    failed.size === 0 ? features : gatherRows(features, dim, items.flatMap((item, row) => (failed.has(item.imageHash) ? [] : [row])));

  const { index } = await embedItems(options.modelsDir, model, kept, keptFeatures, await loadColoursFor(options, model, kept));
  const published = await publishCatalog(options.catalogDir, { ...manifest, itemCount: kept.length }, kept, {
    report,
    indexes: [{ modelId: model.id, save: (file) => saveModelIndex(file, model, index, kept, log) }],
  });
  const indexFile = indexPathFor(published.generationDir, model.id);
  const t3 = Date.now();
  log(`index: ${kept.length} × ${index.dim}${model.colour ? " (embedding + colour)" : ""} → ${indexFile}`);
  return {
    items: kept,
    report,
    model,
    features: stats,
    indexFile,
    generation: published.generation,
    seconds: { ingest: (t1 - t0) / 1000, features: (t2 - t1) / 1000, index: (t3 - t2) / 1000, total: (t3 - t0) / 1000 },
  };
}

/**
 * Re-indexes the served catalog generation for the served model (after training)
 * from the cached backbone features: no ingest, no CNN run for images already seen.
 * The index file is added to that generation atomically; its items never change.
 */
export async function reindexCatalog(
  options: ItemFeatureOptions & { modelName?: string; log?: (line: string) => void },
  /** The model to index for; the served one when omitted (a freshly trained, unpublished model otherwise). */
  model?: ModelManifest,
): Promise<{ model: ModelManifest; indexFile: string; items: number }> {
  const { items, generationDir } = await readCatalog(options.catalogDir);
  model ??= await resolveServedModel(options.modelsDir, options.modelName);
  const backbone = await resolveBackbone(options.modelsDir, model);
  const { features, stats } = await loadItemFeatures(options, backbone, items);
  if (stats.failed.length > 0) throw new AppError("internal", `${stats.failed.length} catalog images failed to embed`);
  const { index } = await embedItems(options.modelsDir, model, items, features, await loadColoursFor(options, model, items));
  const indexFile = indexPathFor(generationDir, model.id);
  await saveModelIndex(indexFile, model, index, items, options.log);
  return { model, indexFile, items: items.length };
}

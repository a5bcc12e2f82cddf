import path from "node:path";
import { indexPathFor } from "../catalog/index-path";
import { ingestCatalog, type IngestReport } from "../catalog/ingest";
import { imagePathFor, readCatalog, writeCatalog } from "../catalog/store";
import { AppError } from "../errors";
import { gatherRows } from "../matrix";
import type { CatalogItem } from "../catalog/types";
import { computeFeatures, type FeatureRunStats } from "../embed/compute-features";
import { embedFeatures } from "../embed/embed-features";
import { Embedder } from "../embed/embedder";
import { VectorCache } from "../embed/vector-cache";
import { FlatIndex } from "../index/flat-index";
import { saveFlatIndex } from "../index/index-file";
import { readModelManifest, resolveServedModel, type ModelManifest } from "../model/manifest";

export type BuildCatalogOptions = {
  images: string;
  csv: string;
  catalogDir: string;
  modelsDir: string;
  cacheDir: string;
  labelColumn?: string;
  minPerLabel?: number;
  seed?: number;
  maxPixels: number;
  batchSize?: number;
  threads?: number;
  modelName?: string;
  log?: (line: string) => void;
};

export type BuildCatalogResult = {
  items: CatalogItem[];
  report: IngestReport;
  model: ModelManifest;
  features: FeatureRunStats;
  indexFile: string;
  seconds: { ingest: number; features: number; index: number; total: number };
};

/** The cache of raw backbone features lives per backbone id, shared by every head trained on it. */
export function featureCacheDir(cacheDir: string, backbone: ModelManifest): string {
  return path.join(cacheDir, `features-${backbone.id}`);
}

/** The backbone a served model runs on (itself for a backbone). */
export async function resolveBackbone(modelsDir: string, model: ModelManifest): Promise<ModelManifest> {
  return model.backbone ? readModelManifest(modelsDir, model.backbone.name) : model;
}

/** Loads (computing what is missing) the backbone features of `items`, in item order. */
export async function loadItemFeatures(
  options: Pick<BuildCatalogOptions, "modelsDir" | "cacheDir" | "catalogDir" | "maxPixels" | "batchSize" | "threads">,
  backbone: ModelManifest,
  items: readonly CatalogItem[],
): Promise<{ features: Float32Array; stats: FeatureRunStats }> {
  const dim = backbone.features?.dim ?? backbone.embedding.dim;
  const cache = await VectorCache.open(featureCacheDir(options.cacheDir, backbone), dim);
  const embedder = await Embedder.create(options.modelsDir, backbone, { threads: options.threads });
  let stats: FeatureRunStats;
  try {
    stats = await computeFeatures({
      embedder,
      cache,
      jobs: items.map((item) => ({ key: item.imageHash, file: imagePathFor(options.catalogDir, item) })),
      limits: { maxPixels: options.maxPixels },
      batchSize: options.batchSize,
    });
  } finally {
    await embedder.dispose();
  }
  const features = new Float32Array(items.length * dim);
  items.forEach((item, row) => {
    const vector = cache.get(item.imageHash);
    if (vector) features.set(vector, row * dim);
  });
  return { features, stats };
}

/**
 * The whole offline pipeline: ingest (validate, report, split), backbone features
 * for every image not cached yet (resumable), the served model's embeddings, and
 * the flat index. The index is written before the item list, and the service
 * refuses a pair that does not match, so a crash never serves a mixed catalog.
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
  const dim = features.length / Math.max(items.length, 1);
  const keptFeatures =
    failed.size === 0 ? features : gatherRows(features, dim, items.flatMap((item, row) => (failed.has(item.imageHash) ? [] : [row])));

  const indexFile = await writeModelIndex(options.modelsDir, options.catalogDir, model, kept, keptFeatures);
  await writeCatalog(options.catalogDir, { ...manifest, itemCount: kept.length }, kept);
  const t3 = Date.now();
  log(`index: ${kept.length} × ${model.embedding.dim} → ${indexFile}`);
  return {
    items: kept,
    report,
    model,
    features: stats,
    indexFile,
    seconds: { ingest: (t1 - t0) / 1000, features: (t2 - t1) / 1000, index: (t3 - t2) / 1000, total: (t3 - t0) / 1000 },
  };
}

/** Embeds features with `model` and writes the catalog's flat index for it; returns the file. */
export async function writeModelIndex(
  modelsDir: string,
  catalogDir: string,
  model: ModelManifest,
  items: readonly CatalogItem[],
  features: Float32Array,
): Promise<string> {
  const { embeddings } = await embedFeatures(modelsDir, model, features, items.length);
  const index = new FlatIndex(model.embedding.dim, items.map((item) => item.id), embeddings);
  const indexFile = indexPathFor(catalogDir, model.id);
  await saveFlatIndex(indexFile, index, { modelId: model.id, modelName: model.name, builtAt: new Date().toISOString() });
  return indexFile;
}

/**
 * Re-indexes an existing catalog for the served model (after training) from the
 * cached backbone features: no ingest, no CNN run for images already seen.
 */
export async function reindexCatalog(
  options: Pick<BuildCatalogOptions, "modelsDir" | "cacheDir" | "catalogDir" | "maxPixels" | "batchSize" | "threads" | "modelName">,
): Promise<{ model: ModelManifest; indexFile: string; items: number }> {
  const { items } = await readCatalog(options.catalogDir);
  const model = await resolveServedModel(options.modelsDir, options.modelName);
  const backbone = await resolveBackbone(options.modelsDir, model);
  const { features, stats } = await loadItemFeatures(options, backbone, items);
  if (stats.failed.length > 0) throw new AppError("internal", `${stats.failed.length} catalog images failed to embed`);
  const indexFile = await writeModelIndex(options.modelsDir, options.catalogDir, model, items, features);
  return { model, indexFile, items: items.length };
}

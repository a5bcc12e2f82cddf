import path from "node:path";
import { indexPathFor } from "../catalog/index-path";
import { ingestCatalog, type IngestReport } from "../catalog/ingest";
import { imagePathFor, publishCatalog, readCatalog } from "../catalog/store";
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
  /** The generation the build published (see lib/catalog/generations.ts). */
  generation: string;
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

  const index = await embedModelIndex(options.modelsDir, model, kept, keptFeatures);
  const published = await publishCatalog(options.catalogDir, { ...manifest, itemCount: kept.length }, kept, {
    report,
    indexes: [{ modelId: model.id, save: (file) => saveModelIndex(file, model, index) }],
  });
  const indexFile = indexPathFor(published.generationDir, model.id);
  const t3 = Date.now();
  log(`index: ${kept.length} × ${model.embedding.dim} → ${indexFile}`);
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

/** Embeds backbone features with `model` into a flat index over `items`. */
export async function embedModelIndex(
  modelsDir: string,
  model: ModelManifest,
  items: readonly CatalogItem[],
  features: Float32Array,
): Promise<FlatIndex> {
  const { embeddings } = await embedFeatures(modelsDir, model, features, items.length);
  return new FlatIndex(model.embedding.dim, items.map((item) => item.id), embeddings);
}

/** Saves a model's flat index (atomically) with the header meta the service checks. */
export async function saveModelIndex(file: string, model: ModelManifest, index: FlatIndex): Promise<void> {
  await saveFlatIndex(file, index, { modelId: model.id, modelName: model.name, builtAt: new Date().toISOString() });
}

/**
 * Embeds features with `model` and writes its flat index into `generationDir` (a
 * directory readCatalog returned), atomically; returns the file.
 */
export async function writeModelIndex(
  modelsDir: string,
  generationDir: string,
  model: ModelManifest,
  items: readonly CatalogItem[],
  features: Float32Array,
): Promise<string> {
  const index = await embedModelIndex(modelsDir, model, items, features);
  const indexFile = indexPathFor(generationDir, model.id);
  await saveModelIndex(indexFile, model, index);
  return indexFile;
}

/**
 * Re-indexes the served catalog generation for the served model (after training)
 * from the cached backbone features: no ingest, no CNN run for images already seen.
 * The index file is added to that generation atomically; its items never change.
 */
export async function reindexCatalog(
  options: Pick<BuildCatalogOptions, "modelsDir" | "cacheDir" | "catalogDir" | "maxPixels" | "batchSize" | "threads" | "modelName">,
  /** The model to index for; the served one when omitted (a freshly trained, unpublished model otherwise). */
  model?: ModelManifest,
): Promise<{ model: ModelManifest; indexFile: string; items: number }> {
  const { items, generationDir } = await readCatalog(options.catalogDir);
  model ??= await resolveServedModel(options.modelsDir, options.modelName);
  const backbone = await resolveBackbone(options.modelsDir, model);
  const { features, stats } = await loadItemFeatures(options, backbone, items);
  if (stats.failed.length > 0) throw new AppError("internal", `${stats.failed.length} catalog images failed to embed`);
  const indexFile = await writeModelIndex(options.modelsDir, generationDir, model, items, features);
  return { model, indexFile, items: items.length };
}

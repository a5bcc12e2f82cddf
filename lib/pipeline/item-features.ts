import path from "node:path";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import type { Config } from "../config";
import { computeFeatures, type FeatureRunStats } from "../embed/compute-features";
import { ThreadedEmbedder } from "../embed/threaded-embedder";
import { VectorCache } from "../embed/vector-cache";
import { readModelManifest, type ModelManifest } from "../model/manifest";
import type { ProgressSink } from "../progress";

/** Where the catalog's images, the backbone and the feature cache are, and how to run the backbone. */
export type ItemFeatureOptions = {
  modelsDir: string;
  cacheDir: string;
  catalogDir: string;
  maxPixels: number;
  batchSize?: number;
  threads?: number;
  /** Where embedding progress goes (the CLIs pass process.stderr); none: quiet. */
  progress?: ProgressSink;
};

/** The item-feature options of the configured folders and image limit. */
export function selectItemFeatureOptions(config: Config, progress?: ProgressSink): ItemFeatureOptions {
  return { modelsDir: config.MODELS_DIR, cacheDir: config.CACHE_DIR, catalogDir: config.CATALOG_DIR, maxPixels: config.MAX_IMAGE_PIXELS, progress };
}

/** The cache of raw backbone features lives per backbone id, shared by every head trained on it. */
export function featureCacheDir(cacheDir: string, backbone: ModelManifest): string {
  return path.join(cacheDir, `features-${backbone.id}`);
}

/** The backbone a served model runs on (itself for a backbone). */
export async function resolveBackbone(modelsDir: string, model: ModelManifest): Promise<ModelManifest> {
  return model.backbone ? readModelManifest(modelsDir, model.backbone.name) : model;
}

/**
 * Loads (computing what is missing) the backbone features of `items`, in item
 * order: the one feature source of catalog build, re-index, training, evaluation
 * and the benchmarks. Rows of images that failed to embed stay zero; `stats` names them.
 */
export async function loadItemFeatures(
  options: ItemFeatureOptions,
  backbone: ModelManifest,
  items: readonly CatalogItem[],
): Promise<{ features: Float32Array; stats: FeatureRunStats }> {
  const dim = backbone.features?.dim ?? backbone.embedding.dim;
  const cache = await VectorCache.open(featureCacheDir(options.cacheDir, backbone), dim);
  // On its own thread, so that decoding and preprocessing the next batch overlap the model (decision 0024).
  const embedder = await ThreadedEmbedder.create(options.modelsDir, backbone, { threads: options.threads });
  let stats: FeatureRunStats;
  try {
    stats = await computeFeatures({
      embedder,
      cache,
      jobs: items.map((item) => ({ key: item.imageHash, file: imagePathFor(options.catalogDir, item) })),
      limits: { maxPixels: options.maxPixels },
      batchSize: options.batchSize,
      progress: options.progress,
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

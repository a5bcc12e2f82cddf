import path from "node:path";
import type { CatalogItem } from "../catalog/types";
import { embedFeatures } from "../embed/embed-features";
import { VectorCache } from "../embed/vector-cache";
import type { ModelManifest } from "../model/manifest";
import { loadItemFeatures, resolveBackbone, type ItemFeatureOptions } from "./item-features";

/** How to get the probabilities of a few photos the cache lacks: the served model on each photo (SearchService.embedPhoto). */
export type PhotoPass = { photoPassLimit: number; embedPhoto: (item: CatalogItem) => Promise<Float32Array | undefined> };

/** What loading the probabilities cost: how many photos were already known, how many went through the head. */
export type ProbabilityRunStats = { items: number; cached: number; computed: number; failed: number; seconds: number };

/** The cache of a classifier's probabilities lives per served model id (they change with every training). */
export function probabilityCacheDir(cacheDir: string, model: Pick<ModelManifest, "id">): string {
  return path.join(cacheDir, `probabilities-${model.id}`);
}

/**
 * The served classifier's probabilities [items, labels] of every item's own photo, in item
 * order, or undefined when the model has no classifier. Computed from the cached backbone
 * descriptors by the head graph (no CNN pass for photos the feature cache holds; the others
 * are embedded once and cached) and kept per model and photo hash, so a later call reads
 * them back in milliseconds. A photo that fails to embed gets a zero row (and is not cached).
 */
export async function loadItemProbabilities(
  options: ItemFeatureOptions,
  model: ModelManifest,
  items: readonly CatalogItem[],
  few?: PhotoPass,
): Promise<{ probabilities: Float32Array; stats: ProbabilityRunStats } | undefined> {
  if (!model.classifier) return undefined;
  const started = performance.now();
  const classes = model.classifier.labels.length;
  const cache = await VectorCache.open(probabilityCacheDir(options.cacheDir, model), classes);
  const missing = [...new Map(items.filter((item) => !cache.has(item.imageHash)).map((item) => [item.imageHash, item])).values()];
  let failed = 0;
  if (few && missing.length > 0 && missing.length <= few.photoPassLimit) {
    // A few new photos (added through the admin API): one served-model pass each, without
    // reading the whole descriptor cache into memory.
    for (const item of missing) {
      const probabilities = await few.embedPhoto(item).catch(() => undefined);
      if (probabilities?.length === classes) cache.put(item.imageHash, probabilities);
      else failed++;
    }
    await cache.flush();
  } else if (missing.length > 0) {
    const backbone = await resolveBackbone(options.modelsDir, model);
    const { features, stats } = await loadItemFeatures(options, backbone, missing);
    const broken = new Set(stats.failed.map((f) => f.key));
    failed = broken.size;
    const { probabilities } = await embedFeatures(options.modelsDir, model, features, missing.length);
    missing.forEach((item, r) => {
      if (!broken.has(item.imageHash) && probabilities) cache.put(item.imageHash, probabilities.subarray(r * classes, (r + 1) * classes));
    });
    await cache.flush();
  }
  const out = new Float32Array(items.length * classes);
  items.forEach((item, row) => {
    const vector = cache.get(item.imageHash);
    if (vector) out.set(vector, row * classes);
  });
  return {
    probabilities: out,
    stats: { items: items.length, cached: items.length - missing.length, computed: missing.length - failed, failed, seconds: (performance.now() - started) / 1000 },
  };
}

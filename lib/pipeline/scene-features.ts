import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { CatalogItem } from "../catalog/types";
import { defaultColourDescriptor } from "../colour/colour-descriptor";
import { Embedder } from "../embed/embedder";
import { VectorCache } from "../embed/vector-cache";
import type { DecodeLimits } from "../image/decode";
import { normalisePixels, preprocessImage } from "../image/preprocess";
import type { ModelManifest, PreprocessConfig } from "../model/manifest";
import { createProgress } from "../progress";
import { prepareQuery } from "../region/query-region";
import { sampleStratified } from "./evaluate-scenes";
import type { ItemFeatureOptions } from "./item-features";
import { composeProductScenes, loadSceneBackgrounds, sceneJobs, toSceneJob, type SceneJob } from "./scene-composites";
import type { ScenePool } from "../scene/scene-kinds";
import { mapInOrder, startWorkerPool } from "../workers/worker-pool";

export type SceneTrainingOptions = {
  /** Composites made (one per sampled product, stratified by label); 0 = none. */
  count: number;
  seed: number;
  /** Worker threads composing and preparing; 0: this thread. Default: one per core for 64 composites or more. */
  workers?: number;
};

export type SceneFeatures = {
  /** The product each row shows, in row order. */
  items: CatalogItem[];
  /** Backbone descriptors of the composites as the served query path prepares them, [items, dim]. */
  features: Float32Array;
  stats: { composed: number; cached: number; computed: number; skipped: number; seconds: number };
};

/** Composites for training come from the dev pool only (the eval pool is never trained or tuned on) and from their own seeds. */
const TRAIN_POOL = "dev" as const;
const TRAIN_SALT = 0x7a1_5cee;
const BATCH = 16;
const FLUSH_EVERY_BATCHES = 8;

/** The content key a composite's descriptor is cached under. */
export function sceneKey(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * A composite as the backbone sees it when a shopper sends it: `prepareQuery` with crop=auto (the
 * region found, its background neutralised), or the whole photo for one that looks like a studio photo.
 */
export async function prepareScene(bytes: Uint8Array, preprocess: PreprocessConfig, limits: DecodeLimits): Promise<Float32Array> {
  const prepared = await prepareQuery(bytes, preprocess, defaultColourDescriptor, limits, { source: "auto" });
  return prepared.pixels ? normalisePixels(prepared.pixels, preprocess) : preprocessImage(bytes, preprocess, limits);
}

/** What a scene-feature worker thread (lib/pipeline/scene-feature-worker.ts) is started with. */
export type SceneFeatureWorkerData = { pool: ScenePool; preprocess: PreprocessConfig; cachedKeys: string[] };
/** key null: nothing to cut out; pixels null: the descriptor of `key` is cached already. */
export type SceneFeatureJobResult = { key: string | null; pixels: Float32Array | null };

/** Composites per worker thread made ahead of the backbone. */
const AHEAD_PER_WORKER = 4;

/** Where the scene descriptors are cached, per backbone: keyed by the composite photo's sha256. */
export function sceneFeatureCacheDir(cacheDir: string, backbone: ModelManifest): string {
  return path.join(cacheDir, `scene-features-${backbone.id}`);
}

/**
 * Backbone descriptors of `options.count` train products photographed on dev-pool scenes: each
 * product cut out and composited (lib/scene), then prepared exactly as a query photo is served
 * (`prepareQuery` with crop=auto: the region found, its background neutralised) and run through
 * the backbone. Cached by the composite's content hash, so a rerun composes but never re-embeds.
 */
export async function loadSceneFeatures(
  options: ItemFeatureOptions,
  backbone: ModelManifest,
  trainItems: readonly CatalogItem[],
  scene: SceneTrainingOptions,
): Promise<SceneFeatures> {
  const started = Date.now();
  const dim = backbone.features?.dim ?? backbone.embedding.dim;
  if (scene.count <= 0 || trainItems.length === 0) {
    return { items: [], features: new Float32Array(0), stats: { composed: 0, cached: 0, computed: 0, skipped: 0, seconds: 0 } };
  }
  const sample = sampleStratified(trainItems, scene.count, scene.seed ^ TRAIN_SALT);
  const backgrounds = await loadSceneBackgrounds(TRAIN_POOL);
  const cache = await VectorCache.open(sceneFeatureCacheDir(options.cacheDir, backbone), dim);
  const embedder = await Embedder.create(options.modelsDir, backbone, { threads: options.threads });
  const limits = { maxPixels: options.maxPixels };
  const progress = createProgress({ label: "scenes", total: sample.length, unit: "photo", sink: options.progress });
  const rows: { item: CatalogItem; key: string }[] = [];
  let pending: { key: string; pixels: Float32Array }[] = [];
  let running: Promise<void> = Promise.resolve();
  let cached = 0;
  let computed = 0;
  const runPending = () => {
    const batch = pending;
    pending = [];
    // The backbone runs on ORT's threads while the next composites are made (on worker threads, or on this one).
    running = running.then(async () => {
      if (batch.length === 0) return;
      const out = await embedder.runBatch(batch.map((b) => b.pixels), true);
      const features = out.features ?? out.embedding;
      batch.forEach((b, i) => cache.put(b.key, features.subarray(i * dim, (i + 1) * dim)));
      computed += batch.length;
      // Durable every few batches: a killed run keeps what it embedded.
      if (computed % (BATCH * FLUSH_EVERY_BATCHES) < batch.length) await cache.flush();
      progress?.advance(batch.length);
    });
    return running;
  };
  // One composite: its row, and its pixels for the backbone unless its descriptor is cached already.
  const onComposite = async (item: CatalogItem, key: string, pixels: () => Promise<Float32Array | null>) => {
    rows.push({ item, key });
    if (cache.has(key) || pending.some((p) => p.key === key)) {
      cached++;
      progress?.skip(1);
      return;
    }
    pending.push({ key, pixels: (await pixels())! });
    if (pending.length >= BATCH) {
      await running;
      void runPending();
    }
  };
  const workers = scene.workers ?? (sample.length >= 64 ? os.availableParallelism() : 0);
  let skipped = 0;
  try {
    if (workers > 0) {
      // Composing and preparing are JavaScript on one core each: one worker thread per core does both.
      const data: SceneFeatureWorkerData = { pool: TRAIN_POOL, preprocess: backbone.preprocess, cachedKeys: cache.keys() };
      const pool = startWorkerPool<SceneJob, SceneFeatureJobResult>(new URL("./scene-feature-worker.ts", import.meta.url), workers, data);
      try {
        const jobs = sceneJobs(options.catalogDir, sample, backgrounds, scene.seed ^ TRAIN_SALT, options.maxPixels);
        await mapInOrder(pool, jobs.map(toSceneJob), workers * AHEAD_PER_WORKER, async (result, i) => {
          if (!result.key) skipped++;
          else await onComposite(jobs[i]!.item, result.key, async () => result.pixels);
        });
      } finally {
        await pool.close();
      }
    } else {
      ({ skipped } = await composeProductScenes(options.catalogDir, sample, backgrounds, scene.seed ^ TRAIN_SALT, options.maxPixels, ({ item, bytes }) =>
        onComposite(item, sceneKey(bytes), () => prepareScene(bytes, backbone.preprocess, limits)),
      { workers: 0 }));
    }
    await running;
    await runPending();
    await cache.flush();
    progress?.finish();
    const features = new Float32Array(rows.length * dim);
    rows.forEach((row, r) => features.set(cache.get(row.key)!, r * dim));
    return {
      items: rows.map((r) => r.item),
      features,
      stats: { composed: rows.length, cached, computed, skipped, seconds: (Date.now() - started) / 1000 },
    };
  } finally {
    await running.catch(() => {});
    await embedder.dispose();
  }
}

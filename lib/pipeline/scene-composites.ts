import { promises as fs } from "node:fs";
import os from "node:os";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { cutOutStudioProduct } from "../image/studio-mask";
import { listAvailablePhotoScenes, readPhotoScenes } from "../scene/photo-scenes";
import { composeScene } from "../scene/compose-scene";
import { createPhotoBackground, createProceduralBackground, type SceneBackground } from "../scene/scene-background";
import { sceneKinds, type ScenePool } from "../scene/scene-kinds";
import { mapInOrder, startWorkerPool } from "../workers/worker-pool";

/** A catalog product photographed on a scene: the photo, the product it shows, the scene kind. */
export type ProductScene = { item: CatalogItem; bytes: Buffer; kind: string; background: SceneBackground };

export type SceneBackgrounds = { pool: ScenePool; backgrounds: Map<string, SceneBackground[]>; photoNames: string[] };

/**
 * The backgrounds of one pool, per scene kind: procedural and the installed photographed
 * scenes of that pool alternating (procedural, a photograph, procedural, the next one...).
 */
export async function loadSceneBackgrounds(pool: ScenePool): Promise<SceneBackgrounds> {
  const photos = listAvailablePhotoScenes(pool);
  const bytes = await readPhotoScenes(photos);
  const backgrounds = new Map<string, SceneBackground[]>();
  for (const kind of sceneKinds) {
    const own = photos.filter((p) => p.kind === kind).map((p) => createPhotoBackground(p, bytes.get(p.name)!));
    backgrounds.set(kind, own.length === 0 ? [createProceduralBackground(kind)] : own.flatMap((b) => [createProceduralBackground(kind), b]));
  }
  return { pool, backgrounds, photoNames: photos.map((p) => p.name) };
}

/** One composite: the product cut out of its studio photo and placed on the background; null when there is nothing to cut out. */
export async function composeOne(imagePath: string, background: SceneBackground, seed: number, maxPixels: number): Promise<Buffer | null> {
  const product = await cutOutStudioProduct(await fs.readFile(imagePath), { maxPixels });
  if (!product.mask.box) return null;
  return (await composeScene(product, background, seed)).bytes;
}

export type ComposeOptions = {
  /**
   * Worker threads composing in parallel (each composite is ≈ 70 ms of JavaScript on one core);
   * 0 composes on this thread. Default: one per core for 64 composites or more, else 0.
   * Either way the photos are the same bytes, delivered in the same order.
   */
  workers?: number;
};

/** What a scene worker thread (lib/pipeline/scene-compose-worker.ts) is started with. */
export type SceneWorkerData = { pool: ScenePool };
/** One composite for a worker thread: the product photo, the background (by kind and place in its list), the seed. */
export type SceneJob = { i: number; imagePath: string; kind: string; backgroundIndex: number; seed: number; maxPixels: number };
/** The JPEG, or null: nothing to cut out. */
export type SceneJobResult = { bytes: Uint8Array | null };

/**
 * A worker thread's composite for `job`: the pool's backgrounds loaded once per thread (same order
 * as on the main thread, so `backgroundIndex` names the same one), an error naming the composite.
 */
export function createJobComposer(pool: ScenePool): (job: SceneJob) => Promise<Buffer | null> {
  let scenes: Promise<SceneBackgrounds> | undefined;
  return async (job) => {
    scenes ??= loadSceneBackgrounds(pool);
    const background = (await scenes).backgrounds.get(job.kind)![job.backgroundIndex]!;
    return composeOne(job.imagePath, background, job.seed, job.maxPixels).catch((error: Error) => {
      throw new Error(`Scene composite ${job.i}: ${error.message}`);
    });
  };
}

/** A composite to make: which product, on which background, from which seed; `item` and `background` stay on this thread. */
export type PlannedScene = SceneJob & { item: CatalogItem; background: SceneBackground };

/** The composites composeProductScenes makes, in order: kinds in turn, backgrounds in turn within a kind, seed `i` of `baseSeed`. */
export function sceneJobs(catalogDir: string, items: readonly CatalogItem[], scenes: SceneBackgrounds, baseSeed: number, maxPixels: number): PlannedScene[] {
  return items.map((item, i) => {
    const kind = sceneKinds[i % sceneKinds.length]!;
    const choices = scenes.backgrounds.get(kind)!;
    const backgroundIndex = Math.floor(i / sceneKinds.length) % choices.length;
    return {
      i,
      item,
      kind,
      background: choices[backgroundIndex]!,
      backgroundIndex,
      imagePath: imagePathFor(catalogDir, item),
      seed: (Math.imul(baseSeed, 0x9e3779b1) + i) >>> 0,
      maxPixels,
    };
  });
}

/** The part of a planned scene a worker thread needs. */
export function toSceneJob({ item: _item, background: _background, ...job }: PlannedScene): SceneJob {
  return job;
}

/** Composites whose `onScene` has not run yet, at most this many per worker (a bound on memory). */
const IN_FLIGHT_PER_WORKER = 4;

/**
 * Each product cut out of its studio photo and composited onto a scene: kinds in turn,
 * backgrounds in turn within a kind, composite `i` drawn from its own seed of `baseSeed`. Products
 * whose photo has nothing to cut out are skipped (counted). `onScene` sees each one as it is made,
 * in item order, one at a time.
 */
export async function composeProductScenes(
  catalogDir: string,
  items: readonly CatalogItem[],
  scenes: SceneBackgrounds,
  baseSeed: number,
  maxPixels: number,
  onScene: (scene: ProductScene, i: number) => Promise<void> | void,
  options: ComposeOptions = {},
): Promise<{ skipped: number }> {
  const jobs = sceneJobs(catalogDir, items, scenes, baseSeed, maxPixels);
  const workers = options.workers ?? (items.length >= 64 ? os.availableParallelism() : 0);
  let skipped = 0;
  const deliver = async (job: PlannedScene, bytes: Buffer | null) => {
    if (!bytes) skipped++;
    else await onScene({ item: job.item, bytes, kind: job.kind, background: job.background }, job.i);
  };
  if (workers <= 0) {
    for (const job of jobs) await deliver(job, await composeOne(job.imagePath, job.background, job.seed, job.maxPixels));
    return { skipped };
  }
  const pool = startWorkerPool<SceneJob, SceneJobResult>(new URL("./scene-compose-worker.ts", import.meta.url), Math.min(workers, jobs.length), {
    pool: scenes.pool,
  } satisfies SceneWorkerData);
  try {
    await mapInOrder(pool, jobs.map(toSceneJob), pool.size * IN_FLIGHT_PER_WORKER, async (result, i) => {
      const job = jobs[i]!;
      await deliver(job, result.bytes ? Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength) : null);
    });
    return { skipped };
  } finally {
    await pool.close();
  }
}

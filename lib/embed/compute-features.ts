import { promises as fs } from "node:fs";
import type { DecodeLimits } from "../image/decode";
import { createProgress, type ProgressSink } from "../progress";
import type { ImageEmbedder } from "./embedder";
import type { VectorCache } from "./vector-cache";

export type FeatureJob = { key: string; file: string };

export type FeatureRunStats = {
  total: number;
  cached: number;
  computed: number;
  failed: { key: string; file: string; reason: string }[];
  seconds: number;
  /** Images per second over the images computed in this run. */
  imagesPerSecond: number;
};

export type ComputeFeaturesOptions = {
  embedder: ImageEmbedder;
  cache: VectorCache;
  jobs: FeatureJob[];
  limits: DecodeLimits;
  batchSize?: number;
  /** Flush the cache to disk every this many batches (each flush is one atomic chunk). */
  flushEveryBatches?: number;
  /** Where to report progress (the CLIs pass process.stderr); none: quiet. */
  progress?: ProgressSink;
  progressLabel?: string;
  signal?: AbortSignal;
};

/**
 * Computes the backbone features of every job whose key is not cached yet, in
 * batches, decoding the next batch while the current one runs through the model.
 * Rerunning after a crash only computes what is missing.
 */
export async function computeFeatures(options: ComputeFeaturesOptions): Promise<FeatureRunStats> {
  const { embedder, cache, limits } = options;
  const batchSize = options.batchSize ?? 32;
  const flushEvery = options.flushEveryBatches ?? 8;
  const unique = new Map<string, FeatureJob>();
  for (const job of options.jobs) if (!unique.has(job.key)) unique.set(job.key, job);
  const todo = [...unique.values()].filter((job) => !cache.has(job.key));
  const cached = unique.size - todo.length;
  const failed: FeatureRunStats["failed"] = [];
  const progress = createProgress({ label: options.progressLabel ?? "embed", total: unique.size, unit: "image", sink: options.progress });
  // Cache hits are done at once: counted, but left out of the rate and ETA.
  progress?.skip(cached);
  const started = Date.now();

  const prepare = async (batch: FeatureJob[]) => {
    const ready: { job: FeatureJob; pixels: Float32Array }[] = [];
    await Promise.all(
      batch.map(async (job) => {
        try {
          ready.push({ job, pixels: await embedder.preprocess(await fs.readFile(job.file), limits) });
        } catch (error) {
          failed.push({ key: job.key, file: job.file, reason: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    return ready;
  };

  let batches = 0;
  let next = todo.length > 0 ? prepare(todo.slice(0, batchSize)) : undefined;
  for (let start = 0; start < todo.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const ready = await next!;
    const following = start + batchSize;
    next = following < todo.length ? prepare(todo.slice(following, following + batchSize)) : undefined;
    if (ready.length > 0) {
      const out = await embedder.runBatch(
        ready.map((r) => r.pixels),
        true,
      );
      const features = out.features ?? out.embedding;
      const dim = features.length / ready.length;
      ready.forEach((r, i) => cache.put(r.job.key, features.subarray(i * dim, (i + 1) * dim)));
    }
    batches += 1;
    if (batches % flushEvery === 0) await cache.flush();
    progress?.advance(Math.min(batchSize, todo.length - start));
  }
  await cache.flush();
  progress?.finish();
  const seconds = (Date.now() - started) / 1000;
  const computed = todo.length - failed.length;
  return { total: unique.size, cached, computed, failed, seconds, imagesPerSecond: seconds > 0 ? computed / seconds : 0 };
}

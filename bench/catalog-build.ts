import { promises as fs } from "node:fs";
import path from "node:path";
import { imagePathFor } from "../lib/catalog/store";
import { computeFeatures } from "../lib/embed/compute-features";
import { Embedder } from "../lib/embed/embedder";
import { ThreadedEmbedder } from "../lib/embed/threaded-embedder";
import { VectorCache } from "../lib/embed/vector-cache";
import type { Bench, BenchOutcome } from "./lib/context";
import { loadCatalogVectors, sampleRows } from "./lib/catalog-vectors";
import { makeFigure, makeTarget } from "./lib/result";

const BATCH = 32;

export const catalogBuildBench: Bench = {
  name: "catalog-build",
  title: "Catalog build throughput: computeFeatures pipeline vs bare model inference",
  async run(ctx): Promise<BenchOutcome> {
    const { config } = ctx;
    const { items, backbone } = await loadCatalogVectors(config);
    const count = ctx.quick ? 64 : 384;
    const rows = sampleRows(items, "train", count, 5);
    // Distinct photos only: the pipeline embeds each content hash once.
    const jobs = [...new Map(rows.map((r) => [items[r]!.imageHash, { key: items[r]!.imageHash, file: imagePathFor(config.CATALOG_DIR, items[r]!) }])).values()];
    const limits = { maxPixels: config.MAX_IMAGE_PIXELS };
    const embedder = await Embedder.create(config.MODELS_DIR, backbone, { threads: config.ORT_THREADS });
    const dim = backbone.features?.dim ?? backbone.embedding.dim;
    const cacheDir = await fs.mkdtemp(path.join(ctx.workDir, "feature-cache-"));
    try {
      // Warm-up run (session allocations), not timed.
      await embedder.runBatch([await embedder.preprocess(await fs.readFile(jobs[0]!.file), limits)], true);

      ctx.log(`catalog-build: bare model on ${jobs.length} pre-decoded photos, batches of ${BATCH}`);
      const pixels = await Promise.all(jobs.map(async (job) => embedder.preprocess(await fs.readFile(job.file), limits)));
      const t0 = performance.now();
      for (let i = 0; i < pixels.length; i += BATCH) await embedder.runBatch(pixels.slice(i, i + BATCH), true);
      const bareSeconds = (performance.now() - t0) / 1000;
      const bareRate = jobs.length / bareSeconds;

      ctx.log(`catalog-build: computeFeatures on the same ${jobs.length} photos into an empty cache`);
      const cache = await VectorCache.open(cacheDir, dim);
      // As the catalog build runs it (lib/pipeline/item-features.ts): the model on its own thread.
      const threaded = await ThreadedEmbedder.create(config.MODELS_DIR, backbone, { threads: config.ORT_THREADS });
      const stats = await computeFeatures({ embedder: threaded, cache, jobs, limits, batchSize: BATCH, progress: process.stderr, progressLabel: "bench" });
      await threaded.dispose();
      if (stats.failed.length > 0) throw new Error(`${stats.failed.length} photos failed: ${stats.failed[0]!.reason}`);
      const pipelineRate = stats.computed / stats.seconds;
      return {
        details: {
          photos: `${jobs.length} distinct train-split catalog photos (seed 5), 60×80 JPEGs as stored`,
          model: `${backbone.name} (${backbone.id}), ${backbone.preprocess.height}×${backbone.preprocess.width} ${backbone.preprocess.resize}, outputs embedding + ${dim}-d descriptor`,
          batch: BATCH,
          threads: config.ORT_THREADS || "one per core",
          pipeline: "lib/embed/compute-features.ts as the catalog build runs it: read + decode + preprocess (next batch overlapped) + model on its inference thread (ThreadedEmbedder) + cache writes into a temp cache dir",
          bare: "the same Embedder.runBatch calls on photos decoded beforehand (decode not timed)",
        },
        figures: [
          makeFigure("pipeline throughput", "images/s", pipelineRate, bareRate, "bare model inference, same photos and batches"),
          makeFigure("pipeline wall time", "s", stats.seconds, bareSeconds, "bare model inference"),
        ],
        targets: [makeTarget("pipeline ≥ 0.9× bare model images/s", "pipeline / bare images/s", ">=", 0.9, pipelineRate / bareRate)],
        triedDidNotPay: [],
        notes: [],
      };
    } finally {
      await embedder.dispose();
      await fs.rm(cacheDir, { recursive: true, force: true });
    }
  },
};

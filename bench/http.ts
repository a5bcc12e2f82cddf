import { promises as fs } from "node:fs";
import autocannon, { type AutocannonResult } from "autocannon";
import { imagePathFor } from "../lib/catalog/store";
import { Embedder } from "../lib/embed/embedder";
import { IMAGE_FIELD } from "../lib/server/upload";
import type { Bench, BenchOutcome } from "./lib/context";
import { loadCatalogVectors, sampleRows } from "./lib/catalog-vectors";
import { appEnv, BENCH_DIST_DIR, buildNext, exportCommittedApp, firstAnsweredSearch, multipartBody, startNext } from "./lib/next-server";
import { makeFigure, makeTarget, type Figure } from "./lib/result";
import { median } from "./lib/stats";

const BOUNDARY = "----vps-bench-boundary";
const CONCURRENCY = [1, 4, 16] as const;

type Bare = { modelMs: number; decodeAndModelMs: number };

/** The model alone on the same photos, in this process, one at a time (what one request must at least cost). */
async function measureBare(embedder: Embedder, photos: Uint8Array[], maxPixels: number): Promise<Bare> {
  const model: number[] = [];
  const total: number[] = [];
  for (const bytes of photos) {
    const t0 = performance.now();
    const pixels = await embedder.preprocess(bytes, { maxPixels });
    const t1 = performance.now();
    await embedder.run(pixels, 1);
    const t2 = performance.now();
    model.push(t2 - t1);
    total.push(t2 - t0);
  }
  return { modelMs: median(model), decodeAndModelMs: median(total) };
}

export const httpBench: Bench = {
  name: "http",
  title: "HTTP: POST /api/search under load (autocannon against next start)",
  caveats: [
    "each run lasts a fixed time: requests still queued when it ends are aborted by the client (the server logs ResponseAborted for them); autocannon counts only answered requests, so these are neither errors nor non-2xx.",
    "at c=4 and 16 most of the latency is waiting: INFERENCE_CONCURRENCY searches are prepared at once and the model serves one batch at a time on its thread (decision 0024), so p50/p99 there measure queueing, not slowness per request.",
  ],
  async run(ctx): Promise<BenchOutcome> {
    const { config } = ctx;
    const { items, served } = await loadCatalogVectors(config);
    const photos = await Promise.all(
      sampleRows(items, "test", 32, 17).map(async (r) => new Uint8Array(await fs.readFile(imagePathFor(config.CATALOG_DIR, items[r]!)))),
    );
    const bodies = photos.map((bytes, i) => multipartBody(IMAGE_FIELD, `photo-${i}.jpg`, bytes, BOUNDARY));
    const duration = ctx.quick ? 5 : 20;
    const app = await exportCommittedApp(ctx.log, ctx.appCommit);
    const build = await buildNext(app.dir, ctx.log, 24 * 60);

    const embedder = await Embedder.create(config.MODELS_DIR, served, { threads: config.ORT_THREADS });
    let bareBefore: Bare;
    try {
      await measureBare(embedder, photos.slice(0, 2), config.MAX_IMAGE_PIXELS); // warm-up
      bareBefore = await measureBare(embedder, photos, config.MAX_IMAGE_PIXELS);
    } catch (error) {
      await embedder.dispose();
      throw error;
    }

    const server = await startNext(app.dir, appEnv(config));
    const runs: { c: number; result: AutocannonResult }[] = [];
    let bareAfter: Bare;
    try {
      ctx.log(`http: next start at ${server.url}; warming up`);
      await firstAnsweredSearch(server.url, bodies[0]!, BOUNDARY, server.startedAt);
      for (const body of bodies.slice(0, 8)) await firstAnsweredSearch(server.url, body, BOUNDARY, 0);
      for (const c of CONCURRENCY) {
        ctx.log(`http: autocannon c=${c} for ${duration} s`);
        let next = 0;
        const result = await autocannon({
          url: `${server.url}/api/search?k=10`,
          connections: c,
          duration,
          timeout: 60,
          method: "POST",
          headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
          requests: [{ method: "POST", setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }) }],
        });
        runs.push({ c, result });
      }
    } finally {
      await server.stop();
    }
    try {
      bareAfter = await measureBare(embedder, photos, config.MAX_IMAGE_PIXELS);
    } finally {
      await embedder.dispose();
    }

    const modelMs = median([bareBefore.modelMs, bareAfter.modelMs]);
    const decodeAndModelMs = median([bareBefore.decodeAndModelMs, bareAfter.decodeAndModelMs]);
    const maxRps = 1000 / modelMs;
    const figures: Figure[] = [
      makeFigure("bare model time per photo (before / after the load runs: median of both)", "ms", modelMs, null, null, `before ${bareBefore.modelMs.toFixed(1)}, after ${bareAfter.modelMs.toFixed(1)}`),
      makeFigure("bare decode + preprocess + model per photo", "ms", decodeAndModelMs, modelMs, "bare model"),
    ];
    const notes: string[] = [];
    for (const { c, result } of runs) {
      const codes = Object.entries(result.statusCodeStats).map(([code, s]) => `${code}: ${s.count}`).join(", ");
      figures.push(
        makeFigure(`c=${c}: latency p50`, "ms", result.latency.p50, modelMs, "bare model time"),
        makeFigure(`c=${c}: latency p99`, "ms", result.latency.p99, modelMs, "bare model time"),
        makeFigure(`c=${c}: throughput`, "req/s", result.requests.average, maxRps, "model-bound maximum (1000 / bare model ms)", `${result.requests.total} requests; status ${codes || "none"}; non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`),
      );
      notes.push(`c=${c}: ${result.requests.total} requests in ${result.duration} s, status codes {${codes}}, non-2xx ${result.non2xx}, connection errors ${result.errors}, timeouts ${result.timeouts}.`);
    }
    const c1 = runs.find((r) => r.c === 1)?.result;
    const c16 = runs.find((r) => r.c === 16)?.result;
    return {
      details: {
        catalog: `${items.length} items (full catalog)`,
        server: `next start of commit ${app.commit} (a clean export outside the shared working tree), build in ${BENCH_DIST_DIR} (${build.reused ? `build of ${build.builtAt} reused` : `built in this run, ${build.seconds.toFixed(0)} s`}), own port on 127.0.0.1, INFERENCE_QUEUE_LIMIT ${config.INFERENCE_QUEUE_LIMIT}, INFERENCE_CONCURRENCY ${config.INFERENCE_CONCURRENCY}, ORT_THREADS ${config.ORT_THREADS || "0 (one per core)"}`,
        load: `autocannon in the bench process, ${duration} s per concurrency, 32 real test-split photos (seed 17) cycled as multipart POST /api/search?k=10`,
        bare: `Embedder (${served.name}, ${served.id}) in the bench process on the same 32 photos, one at a time, before and after the load runs; the server was idle meanwhile`,
        caveat: "client and server share the same 2 cores, so the client's own CPU use counts against the server",
      },
      figures,
      targets: [
        makeTarget("p50 at c=1 ≤ 1.3× bare model time", "p50 / bare model", "<=", 1.3, c1 ? c1.latency.p50 / modelMs : null),
        makeTarget("throughput at c=16 ≥ 0.9× model-bound maximum", "req/s / (1000 / bare model ms)", ">=", 0.9, c16 ? c16.requests.average / maxRps : null),
        makeTarget("no errors or non-2xx at c=16", "non-2xx + errors + timeouts", "<=", 0, c16 ? c16.non2xx + c16.errors + c16.timeouts : null),
      ],
      triedDidNotPay: [],
      notes,
    };
  },
};

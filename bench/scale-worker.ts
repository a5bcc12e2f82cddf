// One scale size in its own process, so its resident memory is its own.
// usage: tsx bench/scale-worker.ts --size N --queries NQ --single S --out file.json [--m 16 --ef-construction 100]
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { FlatIndex } from "../lib/index/flat-index";
import { buildHnswIndex, loadHnswIndex, saveHnswIndex, type HnswIndex } from "../lib/index/hnsw-index";
import { computeContentId } from "../lib/index/index-file";
import { loadCatalogVectors } from "./lib/catalog-vectors";
import { ensureFaiss, runFaissFlat, writeF32, type FaissRun } from "./lib/faiss";
import { compareTopK, median, recallAtK } from "./lib/stats";
import { generateSyntheticVectors } from "./lib/synthetic";

const optionsSchema = z.object({
  size: z.coerce.number().int().positive(),
  queries: z.coerce.number().int().positive().default(100),
  single: z.coerce.number().int().positive().default(20),
  m: z.coerce.number().int().min(2).default(16),
  efConstruction: z.coerce.number().int().min(1).default(100),
  seed: z.coerce.number().int().default(2026),
  workDir: z.string().default("tmp/bench-scale"),
  out: z.string(),
});

const K = 10;
const EF_SWEEP = [16, 32, 64, 128, 256];
const mib = (bytes: number) => bytes / 2 ** 20;

const buildInfoSchema = z.object({ seconds: z.number(), rssDeltaBytes: z.number(), builtAt: z.string() });

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const { servedIndex } = await loadCatalogVectors(config);
  const dim = servedIndex.dim;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const base = generateSyntheticVectors({ source: servedIndex.vectors, dim, count: options.size, seed: options.seed });
  const queries = generateSyntheticVectors({ source: servedIndex.vectors, dim, count: options.queries, seed: options.seed + 1 });
  const generateSeconds = (performance.now() - t0) / 1000;
  const flat = new FlatIndex(dim, Array.from({ length: options.size }, (_, i) => String(i)), base);
  const rssFlat = process.memoryUsage().rss;

  // HNSW: built once per (size, params, seed) and kept under tmp/, as the brief allows for 1M.
  await fs.mkdir(options.workDir, { recursive: true });
  const tag = `${options.size}-${dim}d-m${options.m}-efc${options.efConstruction}-s${options.seed}`;
  const graphFile = path.join(options.workDir, `hnsw-${tag}.bin`);
  const infoFile = `${graphFile}.build.json`;
  const contentId = computeContentId(flat);
  let hnsw: HnswIndex;
  let build: z.infer<typeof buildInfoSchema>;
  let reused = false;
  try {
    const loadStart = performance.now();
    hnsw = await loadHnswIndex(graphFile, flat, { contentId });
    build = buildInfoSchema.parse(JSON.parse(await fs.readFile(infoFile, "utf8")));
    reused = true;
    console.error(`scale ${options.size}: reused ${graphFile} (loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s)`);
  } catch {
    console.error(`scale ${options.size}: building HNSW M=${options.m} efConstruction=${options.efConstruction} ...`);
    const before = process.memoryUsage().rss;
    const start = performance.now();
    hnsw = buildHnswIndex(flat, { m: options.m, efConstruction: options.efConstruction, seed: 100 });
    build = { seconds: (performance.now() - start) / 1000, rssDeltaBytes: process.memoryUsage().rss - before, builtAt: new Date().toISOString() };
    await saveHnswIndex(graphFile, hnsw, { contentId });
    await fs.writeFile(infoFile, JSON.stringify(build));
  }
  const rssHnsw = process.memoryUsage().rss;

  // Exact ground truth from our flat index (batched), then single-query latency.
  const exact = flat.searchBatch(queries, options.queries, K).map((hits) => hits.map((h) => h.row));
  const flatSingle: number[] = [];
  for (let q = 0; q < Math.min(options.single, options.queries); q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const start = performance.now();
    flat.search(query, K);
    flatSingle.push(performance.now() - start);
  }
  const batchStart = performance.now();
  flat.searchBatch(queries, options.queries, K);
  const flatBatchPerQuery = (performance.now() - batchStart) / options.queries;

  const sweep = EF_SWEEP.map((ef) => {
    hnsw.setEfSearch(ef);
    const lat: number[] = [];
    const rows: number[][] = [];
    for (let q = 0; q < options.queries; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const start = performance.now();
      const hits = hnsw.search(query, K);
      lat.push(performance.now() - start);
      rows.push(hits.map((h) => h.row));
    }
    return { efSearch: ef, recallAt10: recallAtK(rows, exact, K), p50Ms: median(lat) };
  });

  // FAISS flat over the same vectors: 1 thread and its default (all cores).
  const faiss = await ensureFaiss();
  const anchors: (FaissRun & { identity: ReturnType<typeof compareTopK> })[] = [];
  let anchorError: string | undefined;
  if (faiss.ok) {
    const baseFile = path.join(options.workDir, `base-${tag}.f32`);
    await writeF32(baseFile, base);
    try {
      for (const threads of [1, 0]) {
        const run = await runFaissFlat({
          workDir: options.workDir, baseFile, n: options.size, queries, dim, k: K, repeats: 3, single: options.single, threads,
        });
        anchors.push({ ...run, topK: [], identity: compareTopK(exact, run.topK, K) });
      }
    } finally {
      await fs.rm(baseFile, { force: true });
    }
  } else anchorError = faiss.reason;

  const result = {
    size: options.size,
    dim,
    queries: options.queries,
    singleTimed: Math.min(options.single, options.queries),
    generateSeconds,
    hnsw: { m: options.m, efConstruction: options.efConstruction, seed: 100, reused, ...build, graphBytes: (await fs.stat(graphFile)).size },
    rssMiB: { start: mib(rss0), afterFlat: mib(rssFlat), afterHnsw: mib(rssHnsw), max: process.resourceUsage().maxRSS / 1024 },
    flat: { singleP50Ms: median(flatSingle), batchPerQueryMs: flatBatchPerQuery },
    sweep,
    faiss: anchors.map(({ topK: _t, ...rest }) => rest),
    anchorError,
  };
  await fs.writeFile(options.out, JSON.stringify(result, null, 2));
  console.error(`scale ${options.size}: done`);
});

/**
 * Soak test: `next start` on a real catalog under sustained load for N minutes, with
 * the server's memory sampled throughout. Every `--bad-every`-th request carries a
 * truncated photo, so error paths are soaked too (their 422s are counted apart).
 *
 *   npm run bench:soak -- [--minutes 10] [--catalog data/catalog] [--connections 4]
 *                          [--sample-seconds 5] [--bad-every 20] [--out bench/results/soak.json] [--rebuild]
 */
import { promises as fs, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { z } from "zod";
import { imagePathFor, readCatalog } from "../lib/catalog/store";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { writeJsonAtomic } from "../lib/fs/atomic";
import { IMAGE_FIELD } from "../lib/server/upload";
import { buildNext, firstAnsweredSearch, multipartBody, startNext } from "./lib/next-server";

const DIST_DIR = ".next-soak";
const BOUNDARY = "----vps-soak-boundary";

const optionsSchema = z.object({
  minutes: z.coerce.number().positive().max(24 * 60).default(10),
  catalog: z.string().optional(),
  connections: z.coerce.number().int().min(1).max(256).default(4),
  sampleSeconds: z.coerce.number().positive().default(5),
  badEvery: z.coerce.number().int().min(0).default(20),
  photos: z.coerce.number().int().min(1).max(1000).default(64),
  out: z.string().default("bench/results/soak.json"),
  rebuild: z.boolean().default(false),
});

type RssSample = { t: number; rssMb: number; processes: number };

/** RSS of a process and all its descendants, from /proc (next start may fork workers). */
function treeRssMb(root: number): { rssMb: number; processes: number } {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the ppid; the command name (field 2) may hold spaces, so split after ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while listing.
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) if (tree.has(ppid) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  let kb = 0;
  for (const pid of tree) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return { rssMb: kb / 1024, processes: tree.size };
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number | null {
  if (points.length < 3) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? null : sxy / sxx;
}

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const catalogDir = path.resolve(options.catalog ?? config.CATALOG_DIR);
  const { items, generation } = await readCatalog(catalogDir);

  // Real photos, spread over the catalog (every n-th item), distinct files.
  const step = Math.max(1, Math.floor(items.length / options.photos));
  const chosen = items.filter((_, i) => i % step === 0).slice(0, options.photos);
  const photos = await Promise.all(chosen.map(async (item) => new Uint8Array(await fs.readFile(imagePathFor(catalogDir, item)))));
  const toBody = (bytes: Uint8Array, filename: string) => multipartBody(IMAGE_FIELD, filename, bytes, BOUNDARY);
  const good = photos.map((bytes, i) => toBody(bytes, `photo-${i}.jpg`));
  const bad = photos.slice(0, 8).map((bytes, i) => toBody(bytes.subarray(0, Math.floor(bytes.length / 2)), `cut-${i}.jpg`));

  // The working tree, not a committed export: others' half-done edits must not fail its type check.
  const build = await buildNext(process.cwd(), (m) => console.log(`soak: ${m}`), options.rebuild ? 0 : Infinity, {
    distDir: DIST_DIR,
    env: { NEXT_SKIP_TYPECHECK: "1" },
  });
  console.log(`soak: ${build.reused ? `reusing ${DIST_DIR}` : `built ${DIST_DIR} in ${build.seconds.toFixed(0)} s`}`);
  const next = await startNext(process.cwd(), { CATALOG_DIR: catalogDir }, DIST_DIR);
  const { url, child: server } = next;
  const waitReady = (body: Buffer) => firstAnsweredSearch(url, body, BOUNDARY, 0, 180_000);
  const samples: RssSample[] = [];
  const started = Date.now();
  const sample = () => samples.push({ t: (Date.now() - started) / 1000, ...treeRssMb(server.pid!) });
  let timer: NodeJS.Timeout | undefined;
  try {
    await waitReady(good[0]!);
    for (const body of good.slice(0, 8)) await waitReady(body);
    sample();
    console.log(`soak: ${url} ready (${items.length} items); ${options.minutes} min at c=${options.connections}`);
    timer = setInterval(sample, options.sampleSeconds * 1000);
    let sent = 0;
    const result = await autocannon({
      url: `${url}/api/search?k=10`,
      connections: options.connections,
      duration: Math.round(options.minutes * 60),
      timeout: 60,
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      requests: [
        {
          method: "POST",
          setupRequest: (req) => {
            const n = sent++;
            const body = options.badEvery > 0 && n % options.badEvery === options.badEvery - 1 ? bad[n % bad.length]! : good[n % good.length]!;
            return { ...req, body };
          },
        },
      ],
    });
    clearInterval(timer);
    sample();
    const health = await fetch(`${url}/api/health`).then((r) => r.status, () => 0);
    const alive = server.exitCode === null;

    const byStatus = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
    const non2xx = Object.fromEntries(Object.entries(byStatus).filter(([code]) => !code.startsWith("2")));
    const expectedBad = options.badEvery > 0 ? Math.floor(sent / options.badEvery) : 0;
    const rss = samples.map((s) => s.rssMb);
    // Slope after the first minute (JIT, caches and ONNX arenas settle there), in MB per minute.
    const settled = samples.filter((s) => s.t >= 60 + (samples[0]?.t ?? 0));
    const half = samples.filter((s) => s.t >= (samples.at(-1)!.t + samples[0]!.t) / 2);
    const perMinute = (points: RssSample[]) => slope(points.map((s) => ({ x: s.t / 60, y: s.rssMb })));
    const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
    const summary = {
      minutes: options.minutes,
      finishedAt: new Date().toISOString(),
      catalog: { dir: path.relative(process.cwd(), catalogDir) || catalogDir, items: items.length, generation },
      server: `next start (${DIST_DIR}) on 127.0.0.1, INFERENCE_QUEUE_LIMIT ${config.INFERENCE_QUEUE_LIMIT}, INFERENCE_CONCURRENCY ${config.INFERENCE_CONCURRENCY}, ORT_THREADS ${config.ORT_THREADS || "0 (one per core)"}`,
      load: `autocannon c=${options.connections}, POST /api/search?k=10 with ${photos.length} real catalog photos cycled; every ${options.badEvery || "—"}th request a truncated JPEG (expected 422)`,
      requests: result.requests.total,
      requestsPerSecond: round(result.requests.average),
      byStatus,
      non2xx,
      expected422: expectedBad,
      unexpectedNon2xx: Object.entries(non2xx).reduce((s, [code, n]) => s + (code === "422" ? Math.max(0, n - expectedBad) : n), 0),
      errors: result.errors,
      timeouts: result.timeouts,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      rss: {
        unit: "MB (server process tree)",
        start: round(rss[0] ?? null),
        end: round(rss.at(-1) ?? null),
        max: round(Math.max(...rss)),
        min: round(Math.min(...rss)),
        slopeMbPerMinAfterFirstMinute: round(perMinute(settled)),
        slopeMbPerMinSecondHalf: round(perMinute(half)),
        samples: samples.map((s) => ({ t: Math.round(s.t), rssMb: round(s.rssMb), processes: s.processes })),
      },
      afterwards: { serverAlive: alive, healthStatus: health },
      machine: "2 shared CPU cores (client and server on the same machine)",
    };
    await writeJsonAtomic(path.resolve(options.out), summary);
    console.log(
      `soak: ${summary.requests} requests (${summary.requestsPerSecond} req/s), status ${JSON.stringify(byStatus)}, ` +
        `errors ${summary.errors}, p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms; ` +
        `RSS ${summary.rss.start} → ${summary.rss.end} MB (max ${summary.rss.max}), slope ${summary.rss.slopeMbPerMinAfterFirstMinute} MB/min → ${options.out}`,
    );
  } finally {
    clearInterval(timer);
    await next.stop();
  }
});

import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import type { Bench, BenchContext, BenchOutcome } from "./lib/context";
import { makeFigure, makeTarget } from "./lib/result";

const run = promisify(execFile);

const workerOutputSchema = z.object({
  size: z.number(),
  dim: z.number(),
  queries: z.number(),
  singleTimed: z.number(),
  generateSeconds: z.number(),
  hnsw: z.object({
    m: z.number(), efConstruction: z.number(), seed: z.number(), reused: z.boolean(),
    seconds: z.number(), rssDeltaBytes: z.number(), builtAt: z.string(), graphBytes: z.number(),
  }),
  rssMiB: z.object({ start: z.number(), afterFlat: z.number(), afterHnsw: z.number(), max: z.number() }),
  flat: z.object({ singleP50Ms: z.number(), batchPerQueryMs: z.number() }),
  sweep: z.array(z.object({ efSearch: z.number(), recallAt10: z.number(), p50Ms: z.number() })),
  faiss: z.array(z.object({
    faissVersion: z.string(), threads: z.number(), singleMedianMs: z.number(), batchPerQueryMs: z.number(),
    maxRssBytes: z.number(), identity: z.object({ sameOrder: z.number(), sameSet: z.number(), queries: z.number() }),
  })),
  anchorError: z.string().optional(),
});
type WorkerOutput = z.infer<typeof workerOutputSchema>;

const RECALL_TARGET = 0.95;

/** Runs one size in a child process (its own RSS) and parses what it measured. */
async function measureSize(ctx: BenchContext, size: number, queries: number, single: number): Promise<WorkerOutput> {
  const out = path.join(ctx.workDir, `scale-${size}.json`);
  ctx.log(`scale: ${size} vectors (the first 1M HNSW build took 52 min of wall time, roughly 10–11 min of CPU, on 2 busy cores; later runs reuse tmp/bench-scale)`);
  await run(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "scale-worker.ts"), "--size", String(size), "--queries", String(queries), "--single", String(single), "--out", out],
    { maxBuffer: 64 * 1024 * 1024, timeout: 3 * 3600_000 },
  );
  return workerOutputSchema.parse(JSON.parse(await fs.readFile(out, "utf8")));
}

function label(size: number): string {
  return size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}K`;
}

export const scaleBench: Bench = {
  name: "scale",
  title: "Scale: synthetic 256-d catalogs, HNSW and flat vs FAISS flat",
  async run(ctx): Promise<BenchOutcome> {
    const sizes = ctx.scaleSizes ?? (ctx.quick ? [10_000, 50_000] : [100_000, 1_000_000]);
    const queries = ctx.quick ? 20 : 100;
    const single = ctx.quick ? 5 : 20;
    const figures = [];
    const notes: string[] = [];
    const details: Record<string, string | number> = {
      data: "synthetic: α·a + (1−α)·b + Gaussian noise (norm 0.3), L2-normalised, a and b random served catalog embeddings, α ~ U[0.6, 1]; queries drawn the same way with another seed",
      queries,
      k: 10,
    };
    const targets = [];
    for (const size of sizes) {
      const r = await measureSize(ctx, size, queries, single);
      const name = label(size);
      const faiss1 = r.faiss.find((f) => f.threads === 1);
      const faissBest = r.faiss.length > 0 ? Math.min(...r.faiss.map((f) => f.singleMedianMs)) : null;
      const pick = r.sweep.find((s) => s.recallAt10 >= RECALL_TARGET) ?? r.sweep.at(-1)!;
      details[`${name} HNSW`] = `M=${r.hnsw.m}, efConstruction=${r.hnsw.efConstruction}, seed ${r.hnsw.seed}; ${r.hnsw.reused ? `graph built ${r.hnsw.builtAt} and reused from tmp/bench-scale` : "built in this run"}; graph file ${(r.hnsw.graphBytes / 2 ** 20).toFixed(0)} MiB`;
      details[`${name} dim`] = r.dim;
      details[`${name} RSS (MiB)`] = `start ${r.rssMiB.start.toFixed(0)}, + flat vectors ${r.rssMiB.afterFlat.toFixed(0)}, + HNSW ${r.rssMiB.afterHnsw.toFixed(0)}, peak ${r.rssMiB.max.toFixed(0)}`;
      details[`${name} FAISS RSS (MiB)`] = r.faiss.map((f) => `${f.threads} thr: ${(f.maxRssBytes / 2 ** 20).toFixed(0)}`).join(", ") || "n/a";
      figures.push(
        makeFigure(`${name}: HNSW build (s)`, "s", r.hnsw.seconds, null, null, `RSS +${(r.hnsw.rssDeltaBytes / 2 ** 20).toFixed(0)} MiB while building`),
        makeFigure(`${name}: flat single query p50`, "ms", r.flat.singleP50Ms, faiss1?.singleMedianMs ?? null, "FAISS IndexFlatIP, 1 thread"),
        makeFigure(`${name}: flat batched, per query`, "ms", r.flat.batchPerQueryMs, faiss1?.batchPerQueryMs ?? null, "FAISS IndexFlatIP batch, 1 thread"),
      );
      for (const f of r.faiss.filter((f) => f.threads !== 1)) {
        figures.push(makeFigure(`${name}: flat single query p50`, "ms", r.flat.singleP50Ms, f.singleMedianMs, `FAISS IndexFlatIP, ${f.threads} threads`));
      }
      for (const s of r.sweep) {
        figures.push(
          makeFigure(`${name}: HNSW efSearch=${s.efSearch} p50 (recall@10 ${s.recallAt10.toFixed(4)})`, "ms", s.p50Ms, faissBest, "FAISS flat, best thread setting"),
        );
      }
      for (const f of r.faiss) {
        notes.push(`${name}: our flat top-10 vs FAISS (${f.threads} thr): identical order ${(f.identity.sameOrder * 100).toFixed(1)}%, identical set ${(f.identity.sameSet * 100).toFixed(1)}% of ${f.identity.queries} queries (FAISS ${f.faissVersion}).`);
      }
      if (r.anchorError) notes.push(`${name}: ${r.anchorError}`);
      if (size === sizes.at(-1)) {
        targets.push(
          makeTarget(`${name}: HNSW recall@10 ≥ ${RECALL_TARGET} (at efSearch ${pick.efSearch})`, "recall@10 vs exact", ">=", RECALL_TARGET, pick.recallAt10),
          makeTarget(
            `${name}: HNSW at that recall ≥ 50× faster than FAISS flat (single query, FAISS's faster thread setting)`,
            "FAISS time / HNSW time",
            ">=",
            50,
            faissBest === null ? null : faissBest / pick.p50Ms,
          ),
        );
        details[`${name} resident memory`] = `${r.rssMiB.afterHnsw.toFixed(0)} MiB for flat vectors + HNSW graph in one Node process`;
      }
    }
    if (!ctx.quick && !sizes.includes(1_000_000)) {
      targets.push(makeTarget("1M: HNSW recall@10 ≥ 0.95 at ≥ 50× FAISS flat speed", "not run at 1M", ">=", 50, null));
      notes.push("1M was not run in this invocation (see --scale-sizes).");
    }
    return { details, figures, targets, triedDidNotPay: [], notes };
  },
};

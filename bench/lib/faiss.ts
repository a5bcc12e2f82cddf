import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { median } from "./stats";

const run = promisify(execFile);

/** The scratch venv holding faiss-cpu (git-ignored; bench-only, never a runtime dependency). */
export const VENV_DIR = "tmp/bench-venv";
const SCRIPT = path.join(import.meta.dirname, "..", "faiss_anchor.py");

const anchorOutputSchema = z.object({
  faissVersion: z.string(),
  threads: z.number().int(),
  n: z.number().int(),
  dim: z.number().int(),
  nq: z.number().int(),
  k: z.number().int(),
  buildSeconds: z.number(),
  batchMs: z.array(z.number()),
  singleMs: z.array(z.number()),
  maxRssBytes: z.number(),
});

export type FaissRun = z.infer<typeof anchorOutputSchema> & {
  /** Top-k rows per query (batch search). */
  topK: number[][];
  /** Median over repeats of the whole batch, divided by nq. */
  batchPerQueryMs: number;
  /** Median over queries of each single query's median time. */
  singleMedianMs: number;
};

function python(): string {
  return path.join(VENV_DIR, "bin", "python");
}

/**
 * Makes sure the scratch venv has faiss-cpu and numpy (creating it on first use
 * with the ordinary pip client); returns why not when it cannot.
 */
export async function ensureFaiss(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const probe = async () => (await run(python(), ["-c", "import faiss, numpy; print(faiss.__version__)"])).stdout.trim();
  try {
    return { ok: true, version: await probe() };
  } catch {
    // fall through to creating it
  }
  try {
    await run("python3", ["-m", "venv", VENV_DIR]);
    await run(path.join(VENV_DIR, "bin", "pip"), ["install", "-q", "faiss-cpu", "numpy"], { timeout: 15 * 60_000 });
    return { ok: true, version: await probe() };
  } catch (error) {
    return { ok: false, reason: `anchor unavailable: could not set up faiss-cpu in ${VENV_DIR} (${firstLine(error)})` };
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 200);
}

/** Writes a Float32Array as raw little-endian floats. */
export async function writeF32(file: string, data: Float32Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export type FaissJob = {
  workDir: string;
  /** Raw float32 file of the base vectors (see writeF32). */
  baseFile: string;
  n: number;
  queries: Float32Array;
  dim: number;
  k: number;
  repeats: number;
  /** How many queries to also time one at a time. */
  single: number;
  /** OpenMP threads, 0 = FAISS's default (all cores). */
  threads: number;
};

/**
 * Runs IndexFlatIP over the same vectors in a child Python process. OPENBLAS_CORETYPE
 * and OPENBLAS_L2_SIZE are unset there (this machine sets them for old OpenBLAS
 * builds; they slow a current one), so the anchor runs at its best.
 */
export async function runFaissFlat(job: FaissJob): Promise<FaissRun> {
  const nq = job.queries.length / job.dim;
  const tag = `${job.dim}d-${job.n}-${nq}-${job.threads}-${process.pid}`;
  const queriesFile = path.join(job.workDir, `faiss-q-${tag}.f32`);
  const idsFile = path.join(job.workDir, `faiss-ids-${tag}.i32`);
  const jsonFile = path.join(job.workDir, `faiss-${tag}.json`);
  await writeF32(queriesFile, job.queries);
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  try {
    await run(
      python(),
      [
        SCRIPT, "--base", job.baseFile, "--n", String(job.n), "--queries", queriesFile, "--nq", String(nq),
        "--dim", String(job.dim), "--k", String(job.k), "--repeats", String(job.repeats), "--single", String(job.single),
        "--threads", String(job.threads), "--out-ids", idsFile, "--out-json", jsonFile,
      ],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
    const out = anchorOutputSchema.parse(JSON.parse(await fs.readFile(jsonFile, "utf8")));
    const ids = new Int32Array((await fs.readFile(idsFile)).buffer.slice(0));
    if (ids.length !== nq * job.k) throw new Error(`FAISS returned ${ids.length} ids for ${nq} × ${job.k}`);
    const topK: number[][] = [];
    for (let q = 0; q < nq; q++) topK.push(Array.from(ids.subarray(q * job.k, (q + 1) * job.k)));
    return { ...out, topK, batchPerQueryMs: median(out.batchMs) / nq, singleMedianMs: median(out.singleMs) };
  } finally {
    await Promise.all([queriesFile, idsFile, jsonFile].map((f) => fs.rm(f, { force: true })));
  }
}

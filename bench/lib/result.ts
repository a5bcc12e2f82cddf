import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { writeJsonAtomic } from "../../lib/fs/atomic";
import { isTargetMet, type Comparator } from "./stats";

export const benchNames = ["search", "served", "embed", "http", "scale", "cold-start", "catalog-build"] as const;
export type BenchName = (typeof benchNames)[number];

const numberOrNull = z.number().nullable();

/** One measured figure next to its anchor. `ratio` is ours / anchor (below 1: ours is faster or smaller). */
export const figureSchema = z.object({
  label: z.string(),
  unit: z.string(),
  ours: numberOrNull,
  anchor: numberOrNull,
  anchorName: z.string().nullable(),
  ratio: numberOrNull,
  note: z.string().optional(),
});
export type Figure = z.infer<typeof figureSchema>;

export const targetSchema = z.object({
  description: z.string(),
  /** What `measured` is, e.g. "ours / FAISS time". */
  basis: z.string(),
  comparator: z.enum(["<=", ">="]),
  threshold: z.number(),
  measured: numberOrNull,
  /** null: could not be measured (e.g. anchor unavailable). */
  met: z.boolean().nullable(),
});
export type Target = z.infer<typeof targetSchema>;

export const conditionsSchema = z.object({
  machine: z.string(),
  cores: z.number().int().positive(),
  memoryGiB: z.number(),
  node: z.string(),
  loadBefore: z.array(z.number()).length(3),
  loadAfter: z.array(z.number()).length(3),
  /** Free-form: catalog size, dims, threads, query counts... */
  details: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type Conditions = z.infer<typeof conditionsSchema>;

export const benchResultSchema = z.object({
  name: z.enum(benchNames),
  title: z.string(),
  command: z.string(),
  date: z.string(),
  quick: z.boolean(),
  seconds: z.number().nonnegative(),
  conditions: conditionsSchema,
  figures: z.array(figureSchema),
  targets: z.array(targetSchema),
  triedDidNotPay: z.array(z.string()),
  notes: z.array(z.string()),
});
export type BenchResult = z.infer<typeof benchResultSchema>;

/** A target with `met` derived from the measurement, never set by hand. */
export function makeTarget(description: string, basis: string, comparator: Comparator, threshold: number, measured: number | null): Target {
  return { description, basis, comparator, threshold, measured, met: isTargetMet(measured, comparator, threshold) };
}

/** A figure with its ratio computed from both sides. */
export function makeFigure(label: string, unit: string, ours: number | null, anchor: number | null, anchorName: string | null, note?: string): Figure {
  const r = ours === null || anchor === null || !Number.isFinite(ours) || !Number.isFinite(anchor) || anchor === 0 ? null : ours / anchor;
  return { label, unit, ours: finiteOrNull(ours), anchor: finiteOrNull(anchor), anchorName, ratio: r, ...(note ? { note } : {}) };
}

function finiteOrNull(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}

/** The machine as it is now; call once before and once after a benchmark. */
export function snapshotMachine(): Omit<Conditions, "loadAfter" | "details"> {
  const cpus = os.cpus();
  return {
    machine: `${cpus[0]?.model ?? "unknown CPU"} (${os.platform()} ${os.release()})`,
    cores: Math.max(1, cpus.length),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadBefore: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Where a benchmark's result file lives. */
export function resultPath(dir: string, name: string): string {
  return path.join(dir, `${name}.json`);
}

/** Validates and writes a result file atomically. */
export async function writeResult(dir: string, result: BenchResult): Promise<string> {
  const file = resultPath(dir, result.name);
  await fs.mkdir(dir, { recursive: true });
  await writeJsonAtomic(file, benchResultSchema.parse(result));
  return file;
}

/** Every valid result file in `dir`, in benchmark order; files that fail the schema are reported, not trusted. */
export async function readResults(dir: string): Promise<{ results: BenchResult[]; invalid: string[] }> {
  const results: BenchResult[] = [];
  const invalid: string[] = [];
  for (const name of benchNames) {
    let text: string;
    try {
      text = await fs.readFile(resultPath(dir, name), "utf8");
    } catch {
      continue;
    }
    const parsed = benchResultSchema.safeParse(safeJson(text));
    if (parsed.success) results.push(parsed.data);
    else invalid.push(`${name}.json: ${z.prettifyError(parsed.error)}`);
  }
  return { results, invalid };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

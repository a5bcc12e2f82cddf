import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { benchResultSchema, makeFigure, makeTarget, readResults, snapshotMachine, writeResult, type BenchResult } from "./result";

function sampleResult(overrides: Partial<BenchResult> = {}): BenchResult {
  const machine = snapshotMachine();
  return {
    name: "search",
    title: "t",
    command: "npm run bench -- --only search",
    date: new Date(0).toISOString(),
    quick: true,
    seconds: 1.5,
    conditions: { ...machine, loadAfter: machine.loadBefore, details: { catalog: 3, dims: "256" } },
    figures: [makeFigure("single", "ms", 2, 4, "FAISS")],
    targets: [makeTarget("ours ≤ 0.5× FAISS", "ours / FAISS", "<=", 0.5, 0.5)],
    triedDidNotPay: [],
    notes: [],
    ...overrides,
  };
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("result files", () => {
  it("derive ratio and verdict from the numbers", () => {
    expect(makeFigure("x", "ms", 3, 6, "a").ratio).toBe(0.5);
    expect(makeFigure("x", "ms", 3, null, null)).toMatchObject({ anchor: null, ratio: null });
    expect(makeFigure("x", "ms", Number.NaN, 2, "a")).toMatchObject({ ours: null, ratio: null });
    expect(makeTarget("d", "b", ">=", 20, 25).met).toBe(true);
    expect(makeTarget("d", "b", ">=", 20, null).met).toBeNull();
  });

  it("round-trip through the schema and report invalid files instead of trusting them", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-results-"));
    // One sample: the machine snapshot (load average) changes from call to call.
    const sample = sampleResult();
    await writeResult(dir, sample);
    await fs.writeFile(path.join(dir, "embed.json"), JSON.stringify({ name: "embed", figures: "nope" }));
    await fs.writeFile(path.join(dir, "http.json"), "{ not json");
    const { results, invalid } = await readResults(dir);
    expect(results).toHaveLength(1);
    expect(results[0]).toEqual(sample);
    expect(invalid.map((s) => s.split(":")[0])).toEqual(["embed.json", "http.json"]);
  });

  it("refuses to write a result that breaks the schema", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-results-"));
    const bad = sampleResult({ seconds: -1 });
    await expect(writeResult(dir, bad)).rejects.toThrow();
    expect(benchResultSchema.safeParse(sampleResult()).success).toBe(true);
  });
});

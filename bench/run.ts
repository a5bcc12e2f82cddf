// npm run bench [-- --only search,embed] [--quick]: runs the benchmarks, writes
// bench/results/<name>.json and regenerates docs/performance.md from every result file.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { writeFileAtomic } from "../lib/fs/atomic";
import { Progress } from "../lib/progress";
import { catalogBuildBench } from "./catalog-build";
import { coldStartBench } from "./cold-start";
import { embedBench } from "./embed";
import { httpBench } from "./http";
import type { Bench } from "./lib/context";
import { renderPerformanceMarkdown } from "./lib/report";
import { readResults, snapshotMachine, writeResult, type BenchName } from "./lib/result";
import { selectBenches } from "./lib/select";
import { scaleBench } from "./scale";
import { searchKernelBench } from "./search-kernel";
import { servedSearchBench } from "./served-search";

const benches: Record<BenchName, Bench> = {
  search: searchKernelBench,
  served: servedSearchBench,
  embed: embedBench,
  http: httpBench,
  scale: scaleBench,
  "cold-start": coldStartBench,
  "catalog-build": catalogBuildBench,
};

const optionsSchema = z.object({
  only: z.string().optional(),
  quick: z.boolean().default(false),
  results: z.string().default("bench/results"),
  doc: z.string().default("docs/performance.md"),
  /** Serve this commit in the HTTP and cold-start benchmarks (default HEAD). */
  appCommit: z.string().regex(/^[0-9a-f]{7,40}$/).optional(),
  /** Sizes for the scale benchmark, comma-separated (e.g. 100000,1000000). */
  scaleSizes: z.string().regex(/^\d+(,\d+)*$/).optional(),
  /** Only regenerate the document from the existing result files. */
  reportOnly: z.boolean().default(false),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const selected = options.reportOnly ? [] : selectBenches(options.only);
  const config = loadConfig();
  const workDir = path.resolve("tmp/bench-work");
  await fs.mkdir(workDir, { recursive: true });
  const failures: string[] = [];
  // Bench lines go through the progress reporter, so on a terminal they land above its bar.
  const progress = new Progress({ label: "bench", total: selected.length, unit: "bench", sink: process.stderr, logEveryPercent: 1 });
  for (const name of selected) {
    const bench = benches[name];
    const machine = snapshotMachine();
    const started = performance.now();
    const log = (m: string) => progress.note(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
    log(`bench ${name}: ${bench.title}`);
    try {
      const outcome = await bench.run({ config, quick: options.quick, workDir, log, appCommit: options.appCommit, scaleSizes: options.scaleSizes?.split(",").map(Number) });
      const file = await writeResult(options.results, {
        name,
        title: bench.title,
        command: `npm run bench -- --only ${name}${options.quick ? " --quick" : ""}${options.appCommit && (name === "http" || name === "cold-start") ? ` --app-commit ${options.appCommit}` : ""}${options.scaleSizes && name === "scale" ? ` --scale-sizes ${options.scaleSizes}` : ""}`,
        date: new Date().toISOString(),
        quick: options.quick,
        seconds: (performance.now() - started) / 1000,
        conditions: { ...machine, loadAfter: os.loadavg().map((x) => Math.round(x * 100) / 100), details: outcome.details },
        figures: outcome.figures,
        targets: outcome.targets,
        triedDidNotPay: outcome.triedDidNotPay,
        notes: outcome.notes,
      });
      log(`bench ${name}: wrote ${file}`);
    } catch (error) {
      // One failing benchmark must not cost the others' results; the exit code still says so.
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      console.error(`bench ${name} failed:`, error);
    }
    progress.advance();
  }
  progress.finish();
  const { results, invalid } = await readResults(options.results);
  const soak = await fs.readFile(path.join(options.results, "soak.json"), "utf8").then((t) => JSON.parse(t) as Record<string, unknown>, () => undefined);
  await writeFileAtomic(options.doc, renderPerformanceMarkdown(results, { soak, invalid, caveats: Object.fromEntries(Object.values(benches).map((b) => [b.name, b.caveats ?? []])) }));
  console.error(`bench: wrote ${options.doc} from ${results.length} result files`);
  if (failures.length > 0) throw new AppError("internal", `benchmarks failed: ${failures.join("; ")}`);
});

import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { evaluateCatalog, formatVariantSummary, writeEvalReports } from "../lib/pipeline/evaluate-catalog";
import { renderFeedbackMarkdown } from "../lib/pipeline/evaluate-feedback";
import { evaluateExplanations, mergeExplainSamples, summariseExplainSamples, type ExplainMeasures, type ExplainSamples } from "../lib/pipeline/evaluate-explain";
import { evaluateMatchQuality } from "../lib/pipeline/evaluate-quality";
import { evaluateScenes } from "../lib/pipeline/evaluate-scenes";
import { writeFileAtomic } from "../lib/fs/atomic";
import { selectItemFeatureOptions } from "../lib/pipeline/item-features";
import { evaluateSuspects, writeSuspectsReport } from "../lib/pipeline/suspects-report";

const optionsSchema = z.object({
  catalog: z.string().optional(),
  out: z.string().default("reports"),
  split: z.enum(["test", "val"]).default("test"),
  k: z.coerce.number().int().min(10).max(100).default(10),
  /** Also evaluate the served embedding through an HNSW graph (recall@10 against exact search). */
  hnsw: z.boolean().default(false),
  /** Products of the in-the-scene protocol (0: studio protocol only). */
  scenes: z.coerce.number().int().min(0).max(10_000).default(600),
  /** Scene pool: eval (the report) or dev (choices on val; see docs/scenes.md). */
  scenePool: z.enum(["eval", "dev"]).default("eval"),
  sceneSeed: z.coerce.number().int().default(13),
  /** Non-product images of the match-quality protocol (seeded per split: choices on val, the report on test). */
  nonProducts: z.coerce.number().int().min(0).max(5000).default(200),
  /** Run the mislabel-suspect protocol alone (flipped labels → reports/suspects.{json,md}; docs/decisions/0019). */
  suspects: z.boolean().default(false),
  /** Labels flipped by the suspect protocol, and the suspects among which they are looked for. */
  flips: z.coerce.number().int().min(1).max(10_000).default(200),
  top: z.coerce.number().int().min(1).max(100_000).default(400),
  /** (query, top result) pairs of the "why similar" heat-map faithfulness protocol (0: skip it). */
  explainPairs: z.coerce.number().int().min(0).max(5000).default(200),
  /** Also mask the heat-map protocol's cells with the preprocessing mean (a dark grey block; two more model runs per photo). */
  explainMeanFill: z.boolean().default(false),
  /** Run only the heat-map protocol: print its section and write it to <out>/explain.{json,md} (not eval.*), every photo's drops to <out>/explain-samples.json. */
  onlyExplain: z.boolean().default(false),
  /** With --only-explain: only pairs from:to of the seeded sample, e.g. 0:100 and 100:200 in two processes. */
  explainSlice: z
    .string()
    .regex(/^\d+:\d+$/, "explain-slice must be from:to, e.g. 0:100")
    .transform((v) => v.split(":").map(Number) as [number, number])
    .refine(([from, to]) => from < to, "explain-slice must have from < to")
    .optional(),
  /** Merge slices' explain-samples.json files (comma-separated, in slice order) into one report in <out>, instead of running anything. */
  explainMerge: z.string().optional(),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const loaded = loadConfig();
  const config = { ...loaded, CATALOG_DIR: options.catalog ? path.resolve(options.catalog) : loaded.CATALOG_DIR };
  if (options.suspects) {
    const report = await evaluateSuspects(selectItemFeatureOptions(config, process.stderr), options.flips, options.top);
    await writeSuspectsReport(options.out, report);
    for (const r of report.seeds) console.log(`suspects: ${r.scoring} k ${r.k}: ${r.found}/${r.flips} flips among the first ${r.top} (${(r.recall * 100).toFixed(1)}%)`);
    console.log(`eval: wrote ${options.out}/suspects.{json,md}`);
    return;
  }
  const explainSeed = options.split === "test" ? 0xe8a1 : 0x0e8a;
  const explainOptions = {
    split: options.split,
    pairs: options.explainPairs,
    seed: explainSeed,
    meanFill: options.explainMeanFill,
    progress: process.stderr,
    slice: options.explainSlice ? { from: options.explainSlice[0], to: options.explainSlice[1] } : undefined,
  };
  const runExplain = () => evaluateExplanations(config, explainOptions);
  if (options.onlyExplain || options.explainMerge) {
    const explained = options.explainMerge
      ? { ...(await mergeSampleFiles(options.explainMerge.split(","))), samples: undefined }
      : await runExplain();
    await writeEvalReports(options.out, { title: "Why similar", variants: [], sections: [explained.section] }, "explain");
    if (explained.samples) await writeFileAtomic(path.join(options.out, "explain-samples.json"), JSON.stringify(explained.samples));
    console.log(JSON.stringify(explained.measures, null, 2));
    printExplained(explained.measures);
    console.log(`eval: wrote ${options.out}/explain.{json,md,svg}`);
    return;
  }
  const studio = await evaluateCatalog({
    modelsDir: config.MODELS_DIR,
    cacheDir: config.CACHE_DIR,
    catalogDir: config.CATALOG_DIR,
    maxPixels: config.MAX_IMAGE_PIXELS,
    progress: process.stderr,
    split: options.split,
    k: options.k,
    hnsw: options.hnsw,
  });
  const scene =
    options.scenes > 0
      ? await evaluateScenes(config, { split: options.split, pool: options.scenePool, count: options.scenes, k: options.k, seed: options.sceneSeed, progress: process.stderr })
      : undefined;
  // The same sample's own studio photos through the served path: what POST /api/search does to a catalog-like photo.
  const served =
    options.scenes > 0
      ? await evaluateScenes(config, { split: options.split, pool: options.scenePool, count: options.scenes, k: options.k, seed: options.sceneSeed, progress: process.stderr, studio: true })
      : undefined;
  const quality = await evaluateMatchQuality(config, { split: options.split, nonProducts: options.nonProducts, seed: options.split === "test" ? 0x7e57 : 0x0a1, progress: process.stderr });
  const explained = options.explainPairs > 0 ? await runExplain() : undefined;
  const sections = [served, scene, quality.section, explained?.section].filter((section) => section !== undefined);
  const result = sections.length > 0 ? { ...studio, sections } : studio;
  await writeEvalReports(options.out, result);
  for (const protocol of [studio, ...sections]) {
    console.log(protocol.title);
    for (const variant of protocol.variants) console.log(`  ${formatVariantSummary(variant)}`);
  }
  await writeFileAtomic(path.join(options.out, "feedback.md"), renderFeedbackMarkdown(studio.feedback));
  const { weights, overall } = studio.feedback.served;
  console.log(`Feedback round (a=${weights.positive}, b=${weights.negative}): P@10 ${overall.before.toFixed(4)} → ${overall.after.toFixed(4)} (judged excluded; unchanged query ${overall.unchanged.toFixed(4)})`);
  const q = quality.measures;
  console.log(`Match quality: ECE ${q.ece.toFixed(4)}; Good-or-better for ${(q.goodShare * 100).toFixed(1)}% of ${options.split} queries; no close match for ${(q.noMatchShare * 100).toFixed(1)}% of non-product images`);
  if (explained) printExplained(explained.measures);
  console.log(`eval: wrote ${options.out}/eval.{json,md,svg} and feedback.md`);
});

function printExplained(e: ExplainMeasures): void {
  console.log(`Why similar: masking the top 20% cells drops the cosine by ${e.topDrop.toFixed(4)}, random 20% by ${e.randomDrop.toFixed(4)} (ratio ${e.ratio.toFixed(2)}, ${e.pass ? "PASS" : "FAIL"} vs 2×, ${e.photos} photos)`);
}

async function mergeSampleFiles(files: readonly string[]) {
  const parts = await Promise.all(files.map(async (file) => ({ slices: 1, ...JSON.parse(await readFile(file, "utf8")) }) as ExplainSamples));
  const merged = mergeExplainSamples(parts);
  return summariseExplainSamples(merged, { split: merged.split, pairs: merged.similarities.length, seed: merged.seed });
}

import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { readCatalog } from "../lib/catalog/store";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { writeFileAtomic, writeJsonAtomic } from "../lib/fs/atomic";
import type { EvalResult, EvalVariant } from "../lib/metrics/report";
import { renderEvalMarkdown, renderEvalSvg } from "../lib/metrics/report";
import { BACKBONE_NAME, readModelManifest, resolveServedModel } from "../lib/model/manifest";
import { loadItemFeatures, resolveBackbone } from "../lib/pipeline/build-catalog";
import { cosineRanking, embedProtocol, evaluateHnsw, runProtocols } from "../lib/pipeline/evaluate";

const optionsSchema = z.object({
  catalog: z.string().optional(),
  out: z.string().default("reports"),
  split: z.enum(["test", "val"]).default("test"),
  k: z.coerce.number().int().min(10).max(100).default(10),
  /** Also evaluate the served embedding through an HNSW graph (recall@10 against exact search). */
  hnsw: z.boolean().default(false),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const catalogDir = options.catalog ? path.resolve(options.catalog) : config.CATALOG_DIR;
  const { items: all, manifest } = await readCatalog(catalogDir);
  // The protocol indexes the whole filtered catalog: every item whose label kept a split.
  const items = all.filter((item) => item.split !== "excluded");
  const queryRows = items.flatMap((item, row) => (item.split === options.split ? [row] : []));
  const served = await resolveServedModel(config.MODELS_DIR);
  const backbone = await resolveBackbone(config.MODELS_DIR, served);
  const models = served.name === BACKBONE_NAME ? [backbone] : [await readModelManifest(config.MODELS_DIR, BACKBONE_NAME), served];

  const { features } = await loadItemFeatures({ modelsDir: config.MODELS_DIR, cacheDir: config.CACHE_DIR, catalogDir, maxPixels: config.MAX_IMAGE_PIXELS }, backbone, items);
  const input = { items, features, queryRows };
  const variants: EvalVariant[] = [];
  for (const model of models) {
    const embedded = await embedProtocol(config.MODELS_DIR, model, input);
    const rankings =
      model.kind === "backbone"
        ? [{ name: "ImageNet ResNet50 (frozen), cosine", ranking: cosineRanking }]
        : [
            { name: "trained head, cosine", ranking: cosineRanking },
            ...(model.ranking && model.ranking.categoryBoost > 0 ? [{ name: "trained head, category-aware (served)", ranking: model.ranking }] : []),
          ];
    variants.push(...(await runProtocols(model, input, embedded, rankings, options.k)));
    if (options.hnsw && model === models.at(-1)) variants.push(evaluateHnsw(model, input, embedded.index, options.k));
  }
  const result: EvalResult = {
    title: `Retrieval evaluation (${options.split} split, reference protocol)`,
    facts: {
      catalog: `${items.length} items, ${new Set(items.map((i) => i.label)).size} ${manifest.labelColumn} labels with ≥ ${manifest.minPerLabel} images`,
      queries: `${queryRows.length} ${options.split} items, each excluded from its own results`,
      relevance: `same ${manifest.labelColumn}`,
      latency: "per query: its share of a batched exact scoring (one onnxruntime GEMM per 128 queries) plus its own ranking; served search latency is measured by npm run bench",
      date: new Date().toISOString(),
      command: "npm run eval",
    },
    variants,
  };
  await fs.mkdir(options.out, { recursive: true });
  await writeJsonAtomic(path.join(options.out, "eval.json"), result);
  await writeFileAtomic(path.join(options.out, "eval.md"), renderEvalMarkdown(result));
  await writeFileAtomic(path.join(options.out, "eval.svg"), renderEvalSvg(result));
  for (const v of variants) {
    const o = v.overall;
    console.log(
      `${v.name}: P@1 ${o.pAt1.toFixed(4)}  P@5 ${o.pAt5.toFixed(4)}  P@10 ${o.pAt10.toFixed(4)}  ` +
        `MRR ${o.mrr.toFixed(4)}  mAP@10 ${o.mapAt10.toFixed(4)}  (p50 ${v.latency?.p50.toFixed(2)} ms)`,
    );
  }
  console.log(`eval: wrote ${options.out}/eval.{json,md,svg}`);
});

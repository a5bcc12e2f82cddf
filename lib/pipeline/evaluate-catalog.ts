import { promises as fs } from "node:fs";
import path from "node:path";
import { readCatalog } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { writeFileAtomic, writeJsonAtomic } from "../fs/atomic";
import { createAttributeRelevances } from "../metrics/attribute-relevance";
import { createSameLabelRelevance } from "../metrics/relevance";
import { renderEvalMarkdown, renderEvalSvg, type EvalResult, type EvalVariant } from "../metrics/report";
import { resolveServedModel, type ModelManifest } from "../model/manifest";
import type { RankingConfig } from "../search/category-ranker";
import { cosineRanking, evaluateHnsw, runProtocols, type ProtocolInput } from "./evaluate";
import { evaluateFeedback, type FeedbackEvaluation } from "./evaluate-feedback";
import { loadItemFeatures, resolveBackbone, type ItemFeatureOptions } from "./item-features";
import { embedItems, loadColoursFor } from "./model-index";

export type EvaluateCatalogOptions = ItemFeatureOptions & {
  /** The split whose items are the queries. */
  split: Extract<CatalogItem["split"], "test" | "val">;
  /** Results ranked per query. */
  k: number;
  /** Also evaluate the last model through an HNSW graph (recall@k against exact search). */
  hnsw: boolean;
};

/** The models compared: the frozen backbone the served model runs on, then the served model when it is a trained one. */
export async function resolveEvaluatedModels(modelsDir: string): Promise<ModelManifest[]> {
  const served = await resolveServedModel(modelsDir);
  const backbone = await resolveBackbone(modelsDir, served);
  return backbone === served ? [served] : [backbone, served];
}

/** The rankings evaluated for one model: cosine, and a trained model's served category-aware ranking. */
export function listRankings(model: ModelManifest): { name: string; ranking: RankingConfig }[] {
  if (model.kind === "backbone") return [{ name: "ImageNet ResNet50 (frozen), cosine", ranking: cosineRanking }];
  const served = model.ranking && model.ranking.categoryBoost > 0 ? [{ name: "trained head, category-aware (served)", ranking: model.ranking }] : [];
  return [{ name: "trained head, cosine", ranking: cosineRanking }, ...served];
}

/**
 * `npm run eval`: the reference protocol over a catalog. The index holds the whole
 * filtered catalog (every item whose label kept a split), the queries are the
 * items of `split`, each excluded from its own results, and a result is relevant
 * when it has the query's label.
 */
export async function evaluateCatalog(options: EvaluateCatalogOptions): Promise<EvalResult & { feedback: FeedbackEvaluation }> {
  const { items: all, manifest } = await readCatalog(options.catalogDir);
  const items = all.filter((item) => item.split !== "excluded");
  const queryRows = items.flatMap((item, row) => (item.split === options.split ? [row] : []));
  const models = await resolveEvaluatedModels(options.modelsDir);
  const backbone = await resolveBackbone(options.modelsDir, models.at(-1)!);
  const { features } = await loadItemFeatures(options, backbone, items);
  const input: ProtocolInput = { items, features, queryRows };
  const relevance = createSameLabelRelevance(manifest.labelColumn);
  const relevances = createAttributeRelevances(manifest.labelColumn);
  const variants: EvalVariant[] = [];
  let feedback: FeedbackEvaluation | undefined;
  for (const model of models) {
    const embedded = await embedItems(options.modelsDir, model, items, features, await loadColoursFor(options, model, items));
    variants.push(...(await runProtocols(model, input, embedded, listRankings(model), { k: options.k, relevance, relevances })));
    if (options.hnsw && model === models.at(-1)) variants.push(evaluateHnsw(model, input, embedded.index, { k: options.k, relevance }));
    // The feedback round re-ranks with the served model's stored vectors, as the service does.
    if (model === models.at(-1)) feedback = await evaluateFeedback(embedded.index, items, queryRows);
  }
  return {
    title: `Retrieval evaluation (${options.split} split, reference protocol)`,
    facts: {
      catalog: `${items.length} items, ${new Set(items.map((i) => i.label)).size} ${manifest.labelColumn} labels with ≥ ${manifest.minPerLabel} images`,
      queries: `${queryRows.length} ${options.split} items, each excluded from its own results`,
      relevance: relevance.description,
      latency: "per query: its share of a batched exact scoring (one onnxruntime GEMM per 128 queries) plus its own ranking; served search latency is measured by npm run bench",
      date: new Date().toISOString(),
      command: "npm run eval",
    },
    variants,
    feedback: feedback!,
  };
}

/** Writes `<name>.json`, `.md` and `.svg` of an evaluation into `outDir` (atomically); returns the files. */
export async function writeEvalReports(outDir: string, result: EvalResult, name = "eval"): Promise<string[]> {
  await fs.mkdir(outDir, { recursive: true });
  const file = (ext: string) => path.join(outDir, `${name}.${ext}`);
  await writeJsonAtomic(file("json"), result);
  await writeFileAtomic(file("md"), renderEvalMarkdown(result));
  await writeFileAtomic(file("svg"), renderEvalSvg(result));
  return ["json", "md", "svg"].map(file);
}

/** One line per variant for the console: the overall metrics and the median latency. */
export function formatVariantSummary(v: EvalVariant): string {
  const o = v.overall;
  return (
    `${v.name}: P@1 ${o.pAt1.toFixed(4)}  P@5 ${o.pAt5.toFixed(4)}  P@10 ${o.pAt10.toFixed(4)}  ` +
    `MRR ${o.mrr.toFixed(4)}  mAP@10 ${o.mapAt10.toFixed(4)}  (p50 ${v.latency?.p50.toFixed(2)} ms)`
  );
}

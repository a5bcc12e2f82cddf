import { readCatalog } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { OrtScoreMatrix } from "../index/ort-scorer";
import { selectTopK } from "../index/topk";
import { resolveServedModel, type ModelManifest } from "../model/manifest";
import { CategoryRanker } from "../search/category-ranker";
import type { ScoredOutcome } from "../search/match-quality";
import { loadItemFeatures, resolveBackbone, type ItemFeatureOptions } from "./item-features";
import { embedItems, loadColoursFor } from "./model-index";

/** One query's results, best first: each result's served ranking score and whether it has the query's label. */
export type QueryOutcomes = { query: CatalogItem; results: ScoredOutcome[] };

/**
 * The served ranking of every `split` item as a query over the whole filtered catalog
 * (its own row excluded), as the store ranks it: cosine + the category boost from the
 * model's prediction and the query's neighbours (never its true label). Relevant = same label.
 */
export async function collectQualityOutcomes(
  options: ItemFeatureOptions & { split: "val" | "test"; k: number },
): Promise<{ model: ModelManifest; outcomes: QueryOutcomes[] }> {
  const { items: all } = await readCatalog(options.catalogDir);
  const items = all.filter((item) => item.split !== "excluded");
  const model = await resolveServedModel(options.modelsDir);
  const backbone = await resolveBackbone(options.modelsDir, model);
  const { features } = await loadItemFeatures(options, backbone, items);
  const embedded = await embedItems(options.modelsDir, model, items, features, await loadColoursFor(options, model, items));
  const ranker = new CategoryRanker(model);
  const rowLabels = ranker.labelIndexOf(items);
  const classes = model.classifier?.labels.length ?? 0;
  const queryRows = items.flatMap((item, row) => (item.split === options.split ? [row] : []));
  const { index } = embedded;
  const outcomes: QueryOutcomes[] = [];
  const matrix = await OrtScoreMatrix.create(index.vectors, index.dim);
  try {
    for (let start = 0; start < queryRows.length; start += 128) {
      const batch = queryRows.slice(start, start + 128);
      const queries = new Float32Array(batch.length * index.dim);
      batch.forEach((row, i) => queries.set(index.vector(row), i * index.dim));
      const scores = await matrix.scores(queries, batch.length);
      batch.forEach((row, i) => {
        const own = scores.subarray(i * index.count, (i + 1) * index.count);
        const probabilities = embedded.probabilities?.subarray(row * classes, (row + 1) * classes);
        const neighbours = topOthers(own, ranker.config.neighbours, row).map((h) => ({ item: items[h.row]!, score: h.score }));
        const boost = ranker.rowBoosts(ranker.estimate(probabilities, neighbours), rowLabels);
        const ranked = boost ? own.map((s, r) => s + boost[r]!) : own;
        const query = items[row]!;
        const results = topOthers(ranked, options.k, row).map((h) => ({ x: h.score, relevant: items[h.row]!.label === query.label }));
        outcomes.push({ query, results });
      });
    }
  } finally {
    await matrix.release();
  }
  return { model, outcomes };
}

function topOthers(scores: Float32Array, k: number, exclude: number) {
  return selectTopK(scores, k + 1)
    .filter((hit) => hit.row !== exclude)
    .slice(0, k);
}

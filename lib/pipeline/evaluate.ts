import type { CatalogItem } from "../catalog/types";
import { embedFeatures } from "../embed/embed-features";
import { FlatIndex } from "../index/flat-index";
import type { EvalVariant } from "../metrics/report";
import { evaluateRetrieval, summarizeLatency, type RankedQuery } from "../metrics/retrieval";
import type { ModelManifest } from "../model/manifest";
import { CategoryRanker, type RankingConfig } from "../search/category-ranker";

export type ProtocolInput = {
  /** The filtered catalog (labels with enough images), in index order. */
  items: readonly CatalogItem[];
  /** Raw backbone features of `items`, row-major. */
  features: Float32Array;
  /** Rows used as queries (the test split for the protocol, val for tuning). */
  queryRows: readonly number[];
};

export type ProtocolOptions = {
  k?: number;
  /** Overrides the model's ranking (used when choosing it on the validation split). */
  ranking?: RankingConfig;
};

/** Embeds a protocol's items with a model once, so several rankings can be evaluated on them. */
export async function embedProtocol(modelsDir: string, model: ModelManifest, input: ProtocolInput) {
  const { embeddings, probabilities } = await embedFeatures(modelsDir, model, input.features, input.items.length);
  const index = new FlatIndex(model.embedding.dim, input.items.map((i) => i.id), embeddings);
  return { index, probabilities };
}

/**
 * The reference protocol: every query searches the whole filtered catalog, its
 * own row excluded, and a result is relevant when it has the query's label. The
 * query's category comes from the model's prediction on the query image, never
 * from its true label.
 */
export function runProtocol(
  name: string,
  model: ModelManifest,
  input: ProtocolInput,
  embedded: { index: FlatIndex; probabilities?: Float32Array },
  options: ProtocolOptions = {},
): EvalVariant {
  const k = options.k ?? 10;
  const ranking = options.ranking ?? model.ranking;
  const ranker = new CategoryRanker({ ...model, ranking }, input.items);
  const classes = model.classifier?.labels.length ?? 0;
  const queries: RankedQuery[] = [];
  const latencies: number[] = [];
  for (const row of input.queryRows) {
    const started = performance.now();
    const query = embedded.index.vector(row);
    const probabilities = embedded.probabilities?.subarray(row * classes, (row + 1) * classes);
    const neighbours = ranker.needsNeighbours ? embedded.index.search(query, ranker.config.neighbours, { exclude: [row] }) : [];
    const boost = ranker.boostFor(ranker.estimate(probabilities, neighbours));
    const hits = embedded.index.search(query, k, { exclude: [row], boost });
    latencies.push(performance.now() - started);
    queries.push({ label: input.items[row]!.label, results: hits.map((h) => input.items[h.row]!.label) });
  }
  const { overall, perLabel } = evaluateRetrieval(queries);
  return {
    name,
    overall,
    perLabel,
    latency: summarizeLatency(latencies),
    details: {
      model: `${model.name} (${model.id})`,
      dim: model.embedding.dim,
      input: `${model.preprocess.height}×${model.preprocess.width} ${model.preprocess.resize}`,
      ranking: describeRanking(ranker.config),
    },
  };
}

/** A short human description of a ranking configuration. */
export function describeRanking(ranking: RankingConfig): string {
  if (ranking.categoryBoost === 0) return "cosine";
  const source =
    ranking.source === "classifier"
      ? "classifier"
      : `${ranking.source === "blend" ? "classifier + " : ""}${ranking.neighbours}-neighbour vote (cos^${ranking.sharpness})`;
  return `category-aware: ${source}, boost ${ranking.categoryBoost}`;
}

import type { CatalogItem } from "../catalog/types";
import type { FlatIndex } from "../index/flat-index";
import { buildHnswIndex } from "../index/hnsw-index";
import { OrtScoreMatrix } from "../index/ort-scorer";
import { selectTopK } from "../index/topk";
import { evaluateUnderRelevances, type KeyedRelevance, type RankedItems } from "../metrics/attribute-relevance";
import { createSameLabelRelevance, judgeResults, type Relevance } from "../metrics/relevance";
import type { EvalVariant } from "../metrics/report";
import { evaluateRetrieval, summarizeLatency, type RankedQuery } from "../metrics/retrieval";
import type { ModelManifest } from "../model/manifest";
import { CategoryRanker, type RankingConfig } from "../search/category-ranker";
import { boostedFromPlain, PLAIN_CANDIDATES } from "../search/plain-candidates";
import type { StoreHit } from "../vector-store/types";
import type { EmbeddedItems } from "./model-index";

export type ProtocolInput = {
  /** The filtered catalog (labels with enough images), in index order. */
  items: readonly CatalogItem[];
  /** Raw backbone descriptors of `items`, row-major. */
  features: Float32Array;
  /** Rows used as queries (the test split for the protocol, val for tuning). */
  queryRows: readonly number[];
};

export type ProtocolOptions = {
  /** Results ranked per query (at least 10: P@10 and mAP@10 read them). */
  k?: number;
  /** Queries scored per onnxruntime GEMM. */
  batchSize?: number;
  /** Same label (the reference protocol) unless given. */
  relevance?: Relevance<CatalogItem>;
  /** Further relevances the same ranked lists are judged by (reported under `byRelevance`). */
  relevances?: readonly KeyedRelevance[];
  /**
   * Boost and rank every row for every ranking. By default a ranking's top k is taken from the
   * query's plain top 64 whenever that list provably holds it (boostedFromPlain, as the served
   * search does), and every row is ranked only when it does not: the same lists, several times faster.
   */
  exhaustive?: boolean;
  /** How long that plain list is (default PLAIN_CANDIDATES or 2k, whichever is more). */
  plainCandidates?: number;
};

const sameLabel = createSameLabelRelevance("label");

export const cosineRanking: RankingConfig = { categoryBoost: 0, source: "classifier", neighbours: 10, sharpness: 10 };

/**
 * The reference protocol for several rankings at once: every query searches the
 * whole filtered catalog, its own row excluded, and a result is relevant when it
 * has the query's label (unless `options.relevance` says otherwise). The query's
 * category comes from the model's prediction on the query image and from its
 * neighbours, never from its true label. Each
 * query is scored against the catalog once; every ranking reuses those scores,
 * exactly as `FlatIndex.search` with a boost would rank them. Queries are scored in
 * batches by one onnxruntime GEMM; a query's latency is its share of its batch's
 * scoring time plus its own ranking time.
 */
export async function runProtocols(
  model: ModelManifest,
  input: ProtocolInput,
  embedded: EmbeddedItems,
  rankings: readonly { name: string; ranking: RankingConfig }[],
  { k = 10, batchSize = 128, relevance = sameLabel, relevances = [], exhaustive = false, plainCandidates }: ProtocolOptions = {},
): Promise<EvalVariant[]> {
  const { index } = embedded;
  const classes = model.classifier?.labels.length ?? 0;
  const rankers = rankings.map(({ ranking }) => new CategoryRanker({ ...model, ranking }));
  // Every ranker shares the model's labels: one label index per row for all of them.
  const rowLabels = rankers[0]?.labelIndexOf(input.items) ?? new Int32Array(0);
  const lists = rankings.map(() => [] as RankedItems<CatalogItem>[]);
  const latencies = rankings.map(() => [] as number[]);
  const boosted = new Float32Array(index.count);
  const candidates = Math.max(plainCandidates ?? Math.max(PLAIN_CANDIDATES, 2 * k), k, 10);
  const rankQuery = (row: number, scores: Float32Array, scoreMs: number) => {
    const probabilities = embedded.probabilities?.subarray(row * classes, (row + 1) * classes);
    const plainRows = topRows(scores, exhaustive ? 10 : candidates, row);
    const neighbours = plainRows.slice(0, 10).map(({ row: r, score }) => ({ item: input.items[r]!, score }));
    const plainHits: (StoreHit & { row: number })[] = plainRows.map(({ row: r, score }) => ({ item: input.items[r]!, score, row: r }));
    rankers.forEach((ranker, v) => {
      const t0 = performance.now();
      const distribution = ranker.estimate(probabilities, neighbours.slice(0, ranker.config.neighbours));
      let hits: readonly { row: number }[] | undefined;
      if (!exhaustive) {
        const boost = ranker.boostFor(distribution);
        hits = boost ? (boostedFromPlain(plainHits, k, boost, false) as typeof plainHits | undefined) : plainHits.slice(0, k);
      }
      if (!hits) {
        const boost = ranker.rowBoosts(distribution, rowLabels);
        let ranked = scores;
        if (boost) {
          for (let r = 0; r < scores.length; r++) boosted[r] = scores[r]! + boost[r]!;
          ranked = boosted;
        }
        hits = topRows(ranked, k, row);
      }
      latencies[v]!.push(scoreMs + performance.now() - t0);
      const query = input.items[row]!;
      lists[v]!.push({ query, label: query.label, results: hits.map((h) => input.items[h.row]!) });
    });
  };
  const matrix = await OrtScoreMatrix.create(index.vectors, index.dim);
  try {
    for (let start = 0; start < input.queryRows.length; start += batchSize) {
      const batch = input.queryRows.slice(start, start + batchSize);
      const queryVectors = new Float32Array(batch.length * index.dim);
      batch.forEach((row, i) => queryVectors.set(index.vector(row), i * index.dim));
      const started = performance.now();
      const batchScores = await matrix.scores(queryVectors, batch.length);
      const scoreMs = (performance.now() - started) / batch.length;
      batch.forEach((row, i) => rankQuery(row, batchScores.subarray(i * index.count, (i + 1) * index.count), scoreMs));
    }
  } finally {
    await matrix.release();
  }
  return rankings.map(({ name }, v) => {
    const ranked = lists[v]!;
    const { overall, perLabel } = evaluateRetrieval(ranked.map(({ query, results }) => ({ label: query.label, relevant: judgeResults(relevance, query, results) })));
    const ranking = rankers[v]!.config;
    return {
      name,
      overall,
      perLabel,
      latency: summarizeLatency(latencies[v]!),
      details: {
        model: `${model.name} (${model.id})`,
        dim: model.embedding.dim,
        input: `${model.preprocess.height}×${model.preprocess.width} ${model.preprocess.resize}`,
        ranking: describeRanking(ranking),
      },
      ...(relevances.length > 0 ? { byRelevance: evaluateUnderRelevances(ranked, relevances) } : {}),
    };
  });
}

/**
 * The protocol through an HNSW graph (cosine ranking): its metrics, and its
 * recall@k against exact search over the same vectors.
 */
export function evaluateHnsw(
  model: ModelManifest,
  input: ProtocolInput,
  index: FlatIndex,
  { k = 10, relevance = sameLabel }: Pick<ProtocolOptions, "k" | "relevance"> = {},
): EvalVariant {
  const started = performance.now();
  const hnsw = buildHnswIndex(index);
  const buildSeconds = (performance.now() - started) / 1000;
  const queries: RankedQuery[] = [];
  const latencies: number[] = [];
  let found = 0;
  for (const row of input.queryRows) {
    const query = index.vector(row);
    const t0 = performance.now();
    const hits = hnsw.search(query, k, { exclude: [row] });
    latencies.push(performance.now() - t0);
    const exact = new Set(index.search(query, k, { exclude: [row] }).map((h) => h.row));
    found += hits.filter((h) => exact.has(h.row)).length;
    const item = input.items[row]!;
    queries.push({ label: item.label, relevant: judgeResults(relevance, item, hits.map((h) => input.items[h.row]!)) });
  }
  const { overall, perLabel } = evaluateRetrieval(queries);
  const { m, efConstruction, efSearch } = hnsw.params;
  return {
    name: `${model.kind === "trained" ? "trained head" : "ImageNet ResNet50"}, HNSW, cosine`,
    overall,
    perLabel,
    latency: summarizeLatency(latencies),
    details: {
      model: `${model.name} (${model.id})`,
      index: `hnswlib-node M=${m} efConstruction=${efConstruction} efSearch=${efSearch}, built in ${buildSeconds.toFixed(0)} s`,
      [`recall@${k} vs exact`]: (found / (k * input.queryRows.length)).toFixed(4),
    },
  };
}

/** Top k rows of a score vector, one row excluded. */
function topRows(scores: Float32Array, k: number, exclude: number) {
  return selectTopK(scores, k + 1)
    .filter((hit) => hit.row !== exclude)
    .slice(0, k);
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

import type { CatalogItem } from "../catalog/types";
import type { FlatIndex } from "../index/flat-index";
import { OrtScoreMatrix } from "../index/ort-scorer";
import { selectTopK } from "../index/topk";
import { computePrecisionAtK } from "../metrics/retrieval";
import { FEEDBACK_WEIGHTS, refineQueryVector, type FeedbackWeights } from "../search/feedback";

/** P@10 of one simulated feedback round, overall or for one category. */
export type FeedbackScores = {
  queries: number;
  /** The first 10 results. */
  before: number;
  /** No update, the 10 judged results left out: ranks 11–20 of the same query (the fair baseline for `after`). */
  unchanged: number;
  /** The refined query's first 10 results, the 10 judged ones left out. */
  after: number;
};

export type FeedbackRound = { weights: FeedbackWeights; overall: FeedbackScores; perLabel: (FeedbackScores & { label: string })[] };

export type FeedbackEvaluation = {
  protocol: string;
  /** The grid measured on validation queries, and its best pair by P@10 after the round. */
  tuning: { split: "val"; queries: number; grid: { weights: FeedbackWeights; after: number }[]; best: FeedbackWeights };
  /** The weights the service uses (FEEDBACK_WEIGHTS), measured on the evaluated split. */
  served: FeedbackRound;
  /** One 👎 on the best match only (a near match), per negative weight, on the evaluated split. */
  nearDislike: NearDislike;
};

/** P@10 (the disliked item and the query left out) after disliking only the best match. */
export type NearDislike = { queries: number; unchanged: number; byNegativeWeight: { negative: number; after: number }[] };

/** The Rocchio weights tried on validation. */
export const feedbackGrid: readonly FeedbackWeights[] = [0.5, 1, 2, 4].flatMap((positive) => [0, 0.25, 0.5, 1].map((negative) => ({ positive, negative })));

const K = 10;

/**
 * One simulated round of 👍/👎 per query, on the stored vectors and plain cosine ranking: the
 * query's top 10 (itself excluded) are judged (same label: positive, else negative), the query
 * is refined by Rocchio with each weight pair, and the refined top 10 is scored with the query
 * and the 10 judged items left out (a shopper has seen those). Queries are scored in batches
 * by one onnxruntime GEMM.
 */
export async function runFeedbackRounds(
  index: FlatIndex,
  items: readonly CatalogItem[],
  queryRows: readonly number[],
  weightsList: readonly FeedbackWeights[],
  batchSize = 32,
): Promise<FeedbackRound[]> {
  const per = weightsList.map(() => [] as { label: string; before: number; unchanged: number; after: number }[]);
  const matrix = await OrtScoreMatrix.create(index.vectors, index.dim);
  try {
    for (let start = 0; start < queryRows.length; start += batchSize) {
      const batch = queryRows.slice(start, start + batchSize);
      const queries = new Float32Array(batch.length * index.dim);
      batch.forEach((row, i) => queries.set(index.vector(row), i * index.dim));
      const scores = await matrix.scores(queries, batch.length);
      const judged = batch.map((row, i) => {
        const ranked = topRows(scores.subarray(i * index.count, (i + 1) * index.count), 2 * K, new Set([row]));
        const label = items[row]!.label;
        const relevant = ranked.map((r) => items[r]!.label === label);
        return { row, label, ranked, relevant };
      });
      const refined = new Float32Array(batch.length * weightsList.length * index.dim);
      judged.forEach(({ row, ranked, relevant }, i) => {
        const seen = ranked.slice(0, K);
        const positives = seen.filter((_, j) => relevant[j]).map((r) => index.vector(r));
        const negatives = seen.filter((_, j) => !relevant[j]).map((r) => index.vector(r));
        weightsList.forEach((weights, w) => refined.set(refineQueryVector(index.vector(row), positives, negatives, weights), (i * weightsList.length + w) * index.dim));
      });
      const refinedScores = await matrix.scores(refined, batch.length * weightsList.length);
      judged.forEach(({ row, label, ranked, relevant }, i) => {
        const exclude = new Set([row, ...ranked.slice(0, K)]);
        weightsList.forEach((_, w) => {
          const at = (i * weightsList.length + w) * index.count;
          const after = topRows(refinedScores.subarray(at, at + index.count), K, exclude).map((r) => items[r]!.label === label);
          per[w]!.push({ label, before: computePrecisionAtK(relevant.slice(0, K), K), unchanged: computePrecisionAtK(relevant.slice(K), K), after: computePrecisionAtK(after, K) });
        });
      });
    }
  } finally {
    await matrix.release();
  }
  return weightsList.map((weights, w) => summarise(weights, per[w]!));
}

/**
 * The feedback protocol of `npm run eval`: the weight grid on (at most `tuneQueries`, evenly
 * spaced) validation queries, then the served weights on the evaluated split's queries.
 */
export async function evaluateFeedback(
  index: FlatIndex,
  items: readonly CatalogItem[],
  queryRows: readonly number[],
  { tuneQueries = 2000 }: { tuneQueries?: number } = {},
): Promise<FeedbackEvaluation> {
  const val = items.flatMap((item, row) => (item.split === "val" ? [row] : []));
  const step = Math.max(1, val.length / tuneQueries);
  const tuneRows = Array.from({ length: Math.min(tuneQueries, val.length) }, (_, i) => val[Math.floor(i * step)]!);
  const grid = await runFeedbackRounds(index, items, tuneRows, feedbackGrid);
  const best = grid.reduce((a, b) => (b.overall.after > a.overall.after ? b : a)).weights;
  const [served] = await runFeedbackRounds(index, items, queryRows, [FEEDBACK_WEIGHTS]);
  const nearDislike = measureNearDislike(index, items, queryRows.filter((_, i) => i % Math.max(1, Math.ceil(queryRows.length / 1000)) === 0));
  return {
    protocol:
      "each query's top 10 by cosine on the served embedding (itself excluded) are judged: same label → 👍, else 👎; " +
      "q' = normalise(q + a·mean(👍) − b·mean(👎)); P@10 of q' with the query and the 10 judged items left out, " +
      "beside ranks 11–20 of q (the same items left out, no update)",
    tuning: { split: "val", queries: tuneRows.length, grid: grid.map((r) => ({ weights: r.weights, after: r.overall.after })), best },
    served: served!,
    nearDislike,
  };
}

/**
 * A shopper who dislikes the best match (right type, wrong colour or detail): a large negative
 * weight cancels the query itself (q − n ≈ 0). Plain cosine, exact search, JS kernel.
 */
export function measureNearDislike(index: FlatIndex, items: readonly CatalogItem[], rows: readonly number[], negatives = [0, 0.25, 0.5, 1]): NearDislike {
  const sums = negatives.map(() => 0);
  let unchanged = 0;
  for (const row of rows) {
    const query = index.vector(row);
    const top = index.search(query, 11, { exclude: [row] });
    const near = top[0]!.row;
    const relevant = (r: number) => items[r]!.label === items[row]!.label;
    unchanged += top.slice(1, 11).filter((h) => relevant(h.row)).length / K;
    negatives.forEach((negative, i) => {
      const refined = refineQueryVector(query, [], [index.vector(near)], { ...FEEDBACK_WEIGHTS, negative });
      sums[i]! += index.search(refined, K, { exclude: [row, near] }).filter((h) => relevant(h.row)).length / K;
    });
  }
  const n = rows.length || 1;
  return { queries: rows.length, unchanged: unchanged / n, byNegativeWeight: negatives.map((negative, i) => ({ negative, after: sums[i]! / n })) };
}

/** Markdown: the protocol, the weight grid, P@10 before → after overall and per category, and the near-match dislike. */
export function renderFeedbackMarkdown(e: FeedbackEvaluation): string {
  const f = (x: number) => x.toFixed(3);
  const { weights, overall, perLabel } = e.served;
  const lines = [
    "# One simulated feedback round",
    "",
    `- **protocol**: ${e.protocol}`,
    `- **served weights**: a = ${weights.positive}, b = ${weights.negative}; best on ${e.tuning.queries} ${e.tuning.split} queries: a = ${e.tuning.best.positive}, b = ${e.tuning.best.negative}`,
    "",
    "## Weight grid (validation, P@10 after)",
    "",
    "| a \\ b | " + [...new Set(e.tuning.grid.map((g) => g.weights.negative))].join(" | ") + " |",
  ];
  const negatives = [...new Set(e.tuning.grid.map((g) => g.weights.negative))];
  lines.push(`|---|${negatives.map(() => "---:").join("|")}|`);
  for (const positive of new Set(e.tuning.grid.map((g) => g.weights.positive))) {
    const cells = negatives.map((negative) => e.tuning.grid.find((g) => g.weights.positive === positive && g.weights.negative === negative)?.after);
    lines.push(`| ${positive} | ${cells.map((x) => (x === undefined ? "–" : f(x))).join(" | ")} |`);
  }
  lines.push("", `## P@10, ${overall.queries} queries`, "", "| Category | Queries | before (top 10) | unchanged (ranks 11–20) | after feedback | Δ after − before |", "|---|---:|---:|---:|---:|---:|");
  lines.push(`| **all** | ${overall.queries} | ${f(overall.before)} | ${f(overall.unchanged)} | ${f(overall.after)} | ${signed(overall.after - overall.before)} |`);
  for (const r of [...perLabel].sort((a, b) => a.before - b.before)) {
    lines.push(`| ${r.label} | ${r.queries} | ${f(r.before)} | ${f(r.unchanged)} | ${f(r.after)} | ${signed(r.after - r.before)} |`);
  }
  const near = e.nearDislike;
  lines.push("", `## One 👎 on the best match only (${near.queries} queries, P@10 with it left out)`, "", `| b | no update | ${near.byNegativeWeight.map((x) => x.negative).join(" | ")} |`);
  lines.push(`|---|---:|${near.byNegativeWeight.map(() => "---:").join("|")}|`, `| P@10 | ${f(near.unchanged)} | ${near.byNegativeWeight.map((x) => f(x.after)).join(" | ")} |`);
  return lines.join("\n") + "\n";
}

function signed(x: number): string {
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
}

function summarise(weights: FeedbackWeights, rows: readonly { label: string; before: number; unchanged: number; after: number }[]): FeedbackRound {
  const byLabel = new Map<string, (typeof rows)[number][]>();
  for (const row of rows) byLabel.set(row.label, [...(byLabel.get(row.label) ?? []), row]);
  return { weights, overall: mean(rows), perLabel: [...byLabel].map(([label, group]) => ({ label, ...mean(group) })) };
}

function mean(rows: readonly { before: number; unchanged: number; after: number }[]): FeedbackScores {
  const n = rows.length || 1;
  const sum = (key: "before" | "unchanged" | "after") => rows.reduce((acc, r) => acc + r[key], 0) / n;
  return { queries: rows.length, before: sum("before"), unchanged: sum("unchanged"), after: sum("after") };
}

/** Best rows of a score vector, some rows excluded. */
function topRows(scores: Float32Array, k: number, exclude: ReadonlySet<number>): number[] {
  return selectTopK(scores, k + exclude.size)
    .filter((hit) => !exclude.has(hit.row))
    .slice(0, k)
    .map((hit) => hit.row);
}

import { AppError } from "../errors";
import type { StoredEntry } from "../vector-store/types";

/** Item ids the shopper marked "more like these" (positive) and "less like that" (negative). */
export type Feedback = { positive: readonly string[]; negative: readonly string[] };

/** Most ids per list: enough for a few rounds of 👍/👎 on a page, small enough for a share URL. */
export const FEEDBACK_MAX_IDS = 20;

/** Rocchio weights: how far the query moves towards the liked and away from the disliked products. */
export type FeedbackWeights = { positive: number; negative: number };

/**
 * The served weights, the best pair of the grid measured on the validation split by
 * `npm run eval` (lib/pipeline/evaluate-feedback.ts; docs/decisions/0015-feedback-reranking.md).
 */
export const FEEDBACK_WEIGHTS: FeedbackWeights = { positive: 2, negative: 0.25 };

/**
 * Rocchio's update on L2-normalised vectors: q' = normalise(q + a·mean(pos) − b·mean(neg)).
 * An empty list contributes nothing; a result that cancels out (‖q'‖ = 0) keeps q.
 */
export function refineQueryVector(
  query: Float32Array,
  positives: readonly Float32Array[],
  negatives: readonly Float32Array[],
  weights: FeedbackWeights = FEEDBACK_WEIGHTS,
): Float32Array {
  const refined = Float32Array.from(query);
  addMean(refined, positives, weights.positive);
  addMean(refined, negatives, -weights.negative);
  let norm = 0;
  for (const value of refined) norm += value * value;
  if (!(norm > 1e-12)) return Float32Array.from(query);
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < refined.length; i++) refined[i]! *= scale;
  return refined;
}

function addMean(target: Float32Array, vectors: readonly Float32Array[], weight: number): void {
  if (vectors.length === 0 || weight === 0) return;
  const step = weight / vectors.length;
  for (const vector of vectors) {
    if (vector.length !== target.length) throw new AppError("internal", `Feedback vector has ${vector.length} dimensions, the query ${target.length}`);
    for (let i = 0; i < target.length; i++) target[i]! += step * vector[i]!;
  }
}

/**
 * The stored vectors of the feedback ids, in the store's current state (no model run).
 * Throws `bad_request` naming every unknown id, or an id marked both ways.
 */
export async function loadFeedbackVectors(
  feedback: Feedback,
  getEntry: (id: string) => Promise<StoredEntry | undefined>,
): Promise<{ positives: Float32Array[]; negatives: Float32Array[] }> {
  const both = feedback.positive.filter((id) => feedback.negative.includes(id));
  if (both.length > 0) throw new AppError("bad_request", `Items marked both positive and negative: ${both.join(", ")}`);
  const ids = [...feedback.positive, ...feedback.negative];
  const entries = await Promise.all(ids.map((id) => getEntry(id)));
  const unknown = ids.filter((_, i) => entries[i] === undefined);
  if (unknown.length > 0) throw new AppError("bad_request", `Unknown item ids in positive/negative: ${unknown.join(", ")}`);
  const vectors = entries.map((entry) => entry!.vector);
  return { positives: vectors.slice(0, feedback.positive.length), negatives: vectors.slice(feedback.positive.length) };
}

/** True when there is anything to re-rank with. */
export function hasFeedback(feedback: Feedback | undefined): feedback is Feedback {
  return feedback !== undefined && feedback.positive.length + feedback.negative.length > 0;
}

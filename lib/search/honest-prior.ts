import type { StoreHit } from "../vector-store/types";
import type { PredictedLabel } from "./types";

/** Results a predicted label must find itself among, or it is not shown. */
export const PREDICTION_WINDOW = 5;

/**
 * Temperature scaling of a probability vector: p^(1/T), renormalised. T > 1 flattens an
 * over-confident classifier, T = 1 changes nothing.
 */
export function calibrateProbabilities(probabilities: Float32Array, temperature: number): Float32Array {
  if (temperature === 1) return probabilities;
  return calibrateProbabilitiesInto(probabilities, temperature, new Float32Array(probabilities.length));
}

/** calibrateProbabilities into a buffer the caller reuses (catalog-wide loops); returns `out`. */
export function calibrateProbabilitiesInto<T extends Float32Array | Float64Array>(probabilities: Float32Array, temperature: number, out: T): T {
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = temperature === 1 ? probabilities[c]! : Math.max(probabilities[c]!, 1e-12) ** (1 / temperature);
    sum += out[c]!;
  }
  if (temperature !== 1) for (let c = 0; c < out.length; c++) out[c]! /= sum;
  return out;
}

/**
 * The category-ranked hits with the `keep` strongest plain matches guaranteed a place:
 * a plain match the boost pushed out of the first k takes one of the last places (in its
 * plain order), so a confident wrong category can demote the right results but never erase them.
 */
export function keepPlainMatches(boosted: readonly StoreHit[], plain: readonly StoreHit[], k: number, keep: number): StoreHit[] {
  const top = boosted.slice(0, k);
  const shown = new Set(top.map((hit) => hit.item.id));
  const missing = plain.slice(0, keep).filter((hit) => !shown.has(hit.item.id));
  if (missing.length === 0) return top;
  return [...top.slice(0, Math.max(k - missing.length, 0)), ...missing].slice(0, k);
}

/**
 * The predicted labels the results bear out: a label none of the first results has is
 * dropped, so the page never says "Dresses" above a row of T-shirts.
 */
export function keepConsistentPredictions(
  predicted: readonly PredictedLabel[] | null,
  hits: readonly StoreHit[],
  labelOf: (hit: StoreHit) => string,
): PredictedLabel[] | null {
  if (!predicted) return null;
  const labels = new Set(hits.slice(0, PREDICTION_WINDOW).map(labelOf));
  return predicted.filter((p) => labels.has(p.label));
}

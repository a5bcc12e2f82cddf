import { z } from "zod";

/**
 * Match quality: the probability that a result is relevant (same type as the query),
 * read off an isotonic curve fitted on the validation split over the served ranking
 * score (cosine + category boost). Because the curve is non-decreasing, ordering by
 * quality keeps the ranking's order, so what the page shows is what it is sorted by.
 */

/** Bands on the calibrated probability (docs/decisions/0014-match-quality.md). */
export const qualityBands = ["excellent", "good", "weak"] as const;
export type QualityBand = (typeof qualityBands)[number];

/**
 * Lowest probability of each band: Excellent is right 9 times in 10; Good's floor is the
 * highest (in steps of 0.05) that still gives 97% of val queries a Good result (0.6: 97.6%;
 * 0.65: 96.5%), which flags the most non-product images as no close match (see the decision).
 */
export const BAND_FLOOR: Readonly<Record<Exclude<QualityBand, "weak">, number>> = { excellent: 0.9, good: 0.6 };

/** One knot of the fitted curve: a ranking score and the share of relevant results there. */
export const qualityKnotSchema = z.object({ x: z.number(), p: z.number().min(0).max(1) });
export type QualityKnot = z.infer<typeof qualityKnotSchema>;

/** The sidecar `npm run calibrate` writes beside a model's manifest (`<name>.quality.json`). */
export const qualityCalibrationSchema = z.object({
  version: z.literal(1),
  /** The model the curve was fitted for; another id means it no longer applies. */
  modelId: z.string(),
  target: z.string(),
  fittedOn: z.string(),
  pairs: z.number().int().positive(),
  knots: z.array(qualityKnotSchema).min(1),
  createdAt: z.string(),
});
export type QualityCalibration = z.infer<typeof qualityCalibrationSchema>;

/** A labelled observation: a ranking score, whether that result was relevant, and its weight (default 1). */
export type ScoredOutcome = { x: number; relevant: boolean; weight?: number };

/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function
 * closest (weighted least squares) to the outcomes, as one knot per pooled block at the
 * block's weighted mean score.
 */
export function fitIsotonic(outcomes: readonly ScoredOutcome[]): QualityKnot[] {
  const sorted = [...outcomes].sort((a, b) => a.x - b.x);
  const blocks: { sumX: number; sumY: number; n: number }[] = [];
  for (const { x, relevant, weight = 1 } of sorted) {
    blocks.push({ sumX: x * weight, sumY: relevant ? weight : 0, n: weight });
    // Pool while the last block's mean is below the one before it (ties pooled too: fewer knots, same curve).
    while (blocks.length > 1) {
      const last = blocks.at(-1)!;
      const prev = blocks.at(-2)!;
      if (prev.sumY / prev.n < last.sumY / last.n) break;
      prev.sumX += last.sumX;
      prev.sumY += last.sumY;
      prev.n += last.n;
      blocks.pop();
    }
  }
  return blocks.map((b) => ({ x: b.sumX / b.n, p: b.sumY / b.n }));
}

/** The curve at `x`: linear between knots, flat beyond the first and last (never leaves [0, 1], never decreases). */
export function applyIsotonic(knots: readonly QualityKnot[], x: number): number {
  const first = knots[0]!;
  const last = knots.at(-1)!;
  if (x <= first.x) return first.p;
  if (x >= last.x) return last.p;
  let lo = 0;
  let hi = knots.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (knots[mid]!.x <= x) lo = mid;
    else hi = mid;
  }
  const a = knots[lo]!;
  const b = knots[hi]!;
  return a.p + ((b.p - a.p) * (x - a.x)) / (b.x - a.x);
}

/** The band a calibrated probability falls in. */
export function bandOf(quality: number): QualityBand {
  if (quality >= BAND_FLOOR.excellent) return "excellent";
  if (quality >= BAND_FLOOR.good) return "good";
  return "weak";
}

/** The quality scale of a served model: its fitted curve, or the clamped ranking score when it has none. */
export type QualityScale = { calibrated: boolean; rate(rankingScore: number): number };

/**
 * The scale for a model: the calibration when it was fitted for `modelId`, else a
 * fallback that clamps the ranking score to [0, 1] and says it is not calibrated.
 */
export function createQualityScale(calibration: QualityCalibration | undefined, modelId: string): QualityScale {
  if (calibration && calibration.modelId === modelId) {
    const { knots } = calibration;
    return { calibrated: true, rate: (x) => applyIsotonic(knots, x) };
  }
  return { calibrated: false, rate: (x) => Math.min(Math.max(x, 0), 1) };
}

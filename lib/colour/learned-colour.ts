import { z } from "zod";

/** A colour name predicted for a query, with how sure the prediction is (a cosine or a posterior). */
export type PredictedColour = { label: string; similarity: number };

/**
 * A colour similarity learned from the catalog's own colour column: a multinomial logistic
 * regression from the colour descriptor to the colour names (signed square root, standardised
 * by the train split's statistics, one affine map; the same maths as
 * lib/train/linear-classifier.ts' classifyFeatures). The colour vector an item or a query is
 * fused with becomes normalise([√p ; γ·c]): the cosine of two √p blocks is the Bhattacharyya
 * coefficient of the two posteriors, so "Navy Blue" and "Blue" are as close as the catalog's
 * labels make them, and γ keeps some of the raw histogram's finer shades.
 */
export const learnedColourSchema = z.object({
  /** The catalog column the names come from. */
  column: z.string(),
  labels: z.array(z.string()).min(2),
  /** Per-descriptor-float mean and std of the signed square roots over the train split. */
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  /** [descriptor float][label]. */
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
  /** Weight of the raw descriptor beside √p (chosen on validation). */
  gamma: z.number().min(0),
});
export type LearnedColour = z.infer<typeof learnedColourSchema>;

/** Why a learned block does not fit a descriptor of `dim` floats, or undefined when it does. */
export function checkLearnedColour(learned: LearnedColour, dim: number): string | undefined {
  const k = learned.labels.length;
  if (learned.mean.length !== dim || learned.std.length !== dim) return `mean and std need ${dim} floats`;
  if (learned.weights.length !== dim || learned.weights.some((row) => row.length !== k)) return `weights need ${dim} rows of ${k}`;
  if (learned.bias.length !== k) return `bias needs ${k} floats`;
  return undefined;
}

/** The posterior over `learned.labels` of one colour descriptor. */
export function computeColourPosterior(colour: ArrayLike<number>, learned: LearnedColour): Float64Array {
  const logits = Float64Array.from(learned.bias);
  for (let d = 0; d < learned.mean.length; d++) {
    const v = colour[d] ?? 0;
    const x = (Math.sign(v) * Math.sqrt(Math.abs(v)) - learned.mean[d]!) / learned.std[d]!;
    const row = learned.weights[d]!;
    for (let c = 0; c < logits.length; c++) logits[c]! += x * row[c]!;
  }
  let top = -Infinity;
  for (const v of logits) top = Math.max(top, v);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += logits[c] = Math.exp(logits[c]! - top);
  for (let c = 0; c < logits.length; c++) logits[c]! /= sum;
  return logits;
}

/** Floats of the colour vector fused into the index: the descriptor, plus one per learned label. */
export function colourVectorDim(descriptorDim: number, learned: LearnedColour | undefined): number {
  return descriptorDim + (learned ? learned.labels.length : 0);
}

/**
 * The colour vector an item or a query is fused with: the descriptor itself without a learned
 * block, else normalise([√p ; γ·c]) (unit, like the descriptor). The one place this is computed.
 */
export function projectColour(colour: ArrayLike<number>, learned: LearnedColour | undefined): Float32Array {
  if (!learned) return Float32Array.from(colour);
  const p = computeColourPosterior(colour, learned);
  const k = p.length;
  const out = new Float32Array(k + colour.length);
  for (let c = 0; c < k; c++) out[c] = Math.sqrt(p[c]!);
  for (let i = 0; i < colour.length; i++) out[k + i] = learned.gamma * colour[i]!;
  let sq = 0;
  for (const v of out) sq += v * v;
  const norm = Math.sqrt(sq) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** The learned colour name of a descriptor: the arg-max of its posterior, with that probability. */
export function nameLearnedColour(colour: ArrayLike<number>, learned: LearnedColour): PredictedColour {
  const p = computeColourPosterior(colour, learned);
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
  return { label: learned.labels[best]!, similarity: p[best]! };
}

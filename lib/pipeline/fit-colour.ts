import type { CatalogItem } from "../catalog/types";
import type { LearnedColour } from "../colour/learned-colour";
import { gatherRows } from "../matrix";
import { fitLinearClassifier } from "../train/linear-classifier";

export type FitColourOptions = {
  /** A colour with fewer train items than this is left out of the targets (its items still get a posterior). */
  minCount: number;
  /** L2 penalty of the logistic regression. */
  l2: number;
  maxEvaluations: number;
};

/** The defaults `npm run train` fits with (docs/decisions/0012-region-and-colour.md). */
export const defaultFitColourOptions: FitColourOptions = { minCount: 20, l2: 1e-3, maxEvaluations: 300 };

/**
 * Fits the learned colour (lib/colour/learned-colour.ts) on the train split: a multinomial
 * logistic regression by L-BFGS from each item's colour descriptor to its colour name
 * (`colourOf`, e.g. the baseColour column). `gamma` is left at 0 for the caller to choose on
 * validation. Undefined when fewer than two colours have `minCount` train items (a catalog
 * without the column keeps the unsupervised descriptor).
 */
export async function fitLearnedColour<T extends Pick<CatalogItem, "split">>(
  items: readonly T[],
  colours: Float32Array,
  column: string,
  colourOf: (item: T) => string,
  options: FitColourOptions = defaultFitColourOptions,
): Promise<LearnedColour | undefined> {
  const dim = colours.length / Math.max(items.length, 1);
  const counts = new Map<string, number>();
  for (const item of items) if (item.split === "train" && colourOf(item)) counts.set(colourOf(item), (counts.get(colourOf(item)) ?? 0) + 1);
  const labels = [...counts.entries()].filter(([, n]) => n >= options.minCount).map(([label]) => label).sort();
  if (labels.length < 2) return undefined;
  const classOf = new Map(labels.map((label, i) => [label, i]));
  const rows = items.flatMap((item, row) => (item.split === "train" && classOf.has(colourOf(item)) ? [row] : []));
  const fit = await fitLinearClassifier(
    { features: gatherRows(colours, dim, rows), labels: Int32Array.from(rows, (row) => classOf.get(colourOf(items[row]!))!) },
    labels.length,
    { l2: options.l2, maxEvaluations: options.maxEvaluations },
  );
  const { mean, std, weights, bias } = fit.classifier;
  const k = labels.length;
  const round = (v: number) => Number(v.toPrecision(7));
  return {
    column,
    labels,
    mean: Array.from(mean, round),
    std: Array.from(std, round),
    weights: Array.from({ length: dim }, (_, d) => Array.from(weights.subarray(d * k, (d + 1) * k), round)),
    bias: Array.from(bias, round),
    gamma: 0,
  };
}

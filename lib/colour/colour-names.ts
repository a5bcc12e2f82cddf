import type { ColourFusion } from "./colour-fusion";
import { nameLearnedColour, type PredictedColour } from "./learned-colour";

export type ColourNames = NonNullable<ColourFusion["names"]>;

export type { PredictedColour };

/**
 * One mean descriptor per colour name (re-normalised to unit length), from items
 * whose `names[row]` is set; names with fewer than `minCount` items are left out
 * (a name seen twice says nothing reliable). Undefined when fewer than two names remain.
 */
export function fitColourNames(
  colours: Float32Array,
  names: readonly string[],
  column: string,
  minCount = 5,
): ColourNames | undefined {
  const n = names.length;
  const dim = colours.length / Math.max(n, 1);
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  names.forEach((name, row) => {
    if (!name) return;
    const entry = sums.get(name) ?? { sum: new Float64Array(dim), count: 0 };
    for (let i = 0; i < dim; i++) entry.sum[i]! += colours[row * dim + i]!;
    entry.count++;
    sums.set(name, entry);
  });
  const kept = [...sums.entries()].filter(([, e]) => e.count >= minCount).sort(([a], [b]) => a.localeCompare(b));
  if (kept.length < 2) return undefined;
  const centroids = kept.map(([, e]) => {
    const norm = Math.hypot(...e.sum) || 1;
    return Array.from(e.sum, (v) => Number((v / norm).toFixed(6)));
  });
  return { column, labels: kept.map(([name]) => name), centroids };
}

/** The colour name whose mean descriptor is nearest (cosine) to `colour`. */
export function nameColour(colour: ArrayLike<number>, names: ColourNames): PredictedColour {
  let best = 0;
  let bestScore = -Infinity;
  names.centroids.forEach((centroid, c) => {
    let s = 0;
    for (let i = 0; i < centroid.length; i++) s += centroid[i]! * colour[i]!;
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  });
  return { label: names.labels[best]!, similarity: bestScore };
}

/** The colour name a model predicts for a descriptor: the learned posterior's arg-max, else the nearest mean descriptor, else none. */
export function predictColourName(colour: ArrayLike<number>, fusion: ColourFusion): PredictedColour | null {
  if (fusion.learned) return nameLearnedColour(colour, fusion.learned);
  return fusion.names ? nameColour(colour, fusion.names) : null;
}

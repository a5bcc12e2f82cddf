import { createRng } from "../random";

/** A diagonal Gaussian-ish colour cluster in Lab: centre, spread per channel and share of the pixels. */
export type ColourCluster = { mean: [number, number, number]; sd: [number, number, number]; weight: number };

/** Spread below this (ΔE units) is camera noise, not texture: no cluster is tighter. */
const MIN_SD = 3;

/**
 * Seeded k-means (k-means++ start, a fixed number of Lloyd rounds) over the Lab pixels whose
 * indices are given; returns the non-empty clusters with their per-channel spread.
 */
export function clusterColours(lab: Float32Array, indices: ArrayLike<number>, k: number, seed = 1, rounds = 8): ColourCluster[] {
  const n = indices.length;
  if (n === 0) return [];
  const rng = createRng(seed);
  const centres: number[][] = [];
  const first = indices[Math.floor(rng() * n)]!;
  centres.push([lab[3 * first]!, lab[3 * first + 1]!, lab[3 * first + 2]!]);
  const nearest = new Float64Array(n).fill(Infinity);
  while (centres.length < Math.min(k, n)) {
    const c = centres[centres.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = 3 * indices[i]!;
      const d = (lab[p]! - c[0]!) ** 2 + (lab[p + 1]! - c[1]!) ** 2 + (lab[p + 2]! - c[2]!) ** 2;
      if (d < nearest[i]!) nearest[i] = d;
      total += nearest[i]!;
    }
    if (total === 0) break;
    let pick = rng() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      pick -= nearest[i]!;
      if (pick <= 0) {
        chosen = i;
        break;
      }
    }
    const p = 3 * indices[chosen]!;
    centres.push([lab[p]!, lab[p + 1]!, lab[p + 2]!]);
  }
  const assign = new Int32Array(n);
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = 3 * indices[i]!;
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < centres.length; j++) {
        const c = centres[j]!;
        const d = (lab[p]! - c[0]!) ** 2 + (lab[p + 1]! - c[1]!) ** 2 + (lab[p + 2]! - c[2]!) ** 2;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      assign[i] = best;
    }
    if (round === rounds) break;
    const sums = centres.map(() => [0, 0, 0, 0]);
    for (let i = 0; i < n; i++) {
      const p = 3 * indices[i]!;
      const s = sums[assign[i]!]!;
      s[0]! += lab[p]!;
      s[1]! += lab[p + 1]!;
      s[2]! += lab[p + 2]!;
      s[3]! += 1;
    }
    sums.forEach((s, j) => {
      if (s[3]! > 0) centres[j] = [s[0]! / s[3]!, s[1]! / s[3]!, s[2]! / s[3]!];
    });
  }
  const stats = centres.map(() => ({ count: 0, sq: [0, 0, 0] }));
  for (let i = 0; i < n; i++) {
    const p = 3 * indices[i]!;
    const j = assign[i]!;
    const c = centres[j]!;
    const s = stats[j]!;
    s.count++;
    for (let ch = 0; ch < 3; ch++) s.sq[ch]! += (lab[p + ch]! - c[ch]!) ** 2;
  }
  const clusters: ColourCluster[] = [];
  centres.forEach((c, j) => {
    const s = stats[j]!;
    if (s.count === 0) return;
    const sd = s.sq.map((v) => Math.max(Math.sqrt(v / s.count), MIN_SD)) as [number, number, number];
    clusters.push({ mean: [c[0]!, c[1]!, c[2]!], sd, weight: s.count / n });
  });
  return clusters;
}

/**
 * Per pixel, the distance to the closest cluster in units of that cluster's spread (a diagonal
 * Mahalanobis distance): small where the pixel looks like one of the clusters.
 */
export function distanceToClusters(lab: Float32Array, clusters: readonly ColourCluster[]): Float32Array {
  const pixels = lab.length / 3;
  const out = new Float32Array(pixels).fill(clusters.length === 0 ? Infinity : 0);
  if (clusters.length === 0) return out;
  for (let p = 0; p < pixels; p++) {
    let best = Infinity;
    for (let j = 0; j < clusters.length; j++) {
      const c = clusters[j]!;
      const d =
        ((lab[3 * p]! - c.mean[0]) / c.sd[0]) ** 2 +
        ((lab[3 * p + 1]! - c.mean[1]) / c.sd[1]) ** 2 +
        ((lab[3 * p + 2]! - c.mean[2]) / c.sd[2]) ** 2;
      if (d < best) best = d;
    }
    out[p] = Math.sqrt(best);
  }
  return out;
}

/**
 * Per pixel, the lowest negative log-likelihood under the clusters taken as a diagonal Gaussian
 * mixture (constants dropped): unlike a plain distance, a cluster that explains few pixels
 * (a handful of mislabelled ones) costs more to belong to.
 */
export function computeMixtureCost(lab: Float32Array, clusters: readonly ColourCluster[]): Float32Array {
  const pixels = lab.length / 3;
  const out = new Float32Array(pixels).fill(Infinity);
  const offsets = clusters.map((c) => Math.log(c.sd[0] * c.sd[1] * c.sd[2]) - Math.log(c.weight));
  for (let p = 0; p < pixels; p++) {
    let best = Infinity;
    for (let j = 0; j < clusters.length; j++) {
      const c = clusters[j]!;
      const d =
        ((lab[3 * p]! - c.mean[0]) / c.sd[0]) ** 2 +
        ((lab[3 * p + 1]! - c.mean[1]) / c.sd[1]) ** 2 +
        ((lab[3 * p + 2]! - c.mean[2]) / c.sd[2]) ** 2;
      const cost = 0.5 * d + offsets[j]!;
      if (cost < best) best = cost;
    }
    out[p] = best;
  }
  return out;
}

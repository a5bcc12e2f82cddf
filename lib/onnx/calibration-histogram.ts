/** How an activation's quantisation range is chosen from what calibration saw. */
export type RangeMethod =
  | { kind: "minmax" }
  /** Clip at the p-th percentile on each side (e.g. 99.99), the rare outliers saturate. */
  | { kind: "percentile"; percentile: number }
  /** The clipping threshold whose quantised distribution is closest (KL divergence) to the observed one. */
  | { kind: "entropy" };

const HALF_BINS = 2048;

/**
 * A histogram of one tensor's values over [−R, R] that grows by doubling R (merging bin
 * pairs, so counts stay exact) when a larger value arrives: one pass over the calibration
 * photos, deterministic for a given order of inputs. Also tracks the exact min and max.
 */
export class ActivationHistogram {
  /** Bins 0..HALF_BINS−1 cover [−R, 0), the rest [0, R). */
  private counts = new Float64Array(2 * HALF_BINS);
  private range = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  total = 0;

  /** Adds every value of `data`. */
  add(data: Float32Array): void {
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
    const need = Math.max(Math.abs(lo), Math.abs(hi));
    if (this.range === 0) this.range = need > 0 ? need : 1;
    while (this.range < need) this.doubleRange();
    const perUnit = HALF_BINS / this.range;
    const counts = this.counts;
    const last = 2 * HALF_BINS - 1;
    for (let i = 0; i < data.length; i++) {
      const b = Math.floor(data[i]! * perUnit) + HALF_BINS;
      counts[b > last ? last : b]! += 1;
    }
    this.total += data.length;
  }

  /** The [lo, hi] to quantise over by `method`, always within [min, max]. */
  chooseRange(method: RangeMethod): { lo: number; hi: number } {
    if (this.total === 0) throw new Error("No calibration data for this tensor");
    if (method.kind === "minmax") return { lo: this.min, hi: this.max };
    if (method.kind === "percentile") {
      const tail = (100 - method.percentile) / 100;
      return { lo: Math.min(this.quantile(tail), 0), hi: Math.max(this.quantile(1 - tail), 0) };
    }
    const threshold = this.entropyThreshold();
    return { lo: Math.max(this.min, -threshold), hi: Math.min(this.max, threshold) };
  }

  /** The value below which a fraction `q` of the values lie (linear within a bin). */
  quantile(q: number): number {
    const target = q * this.total;
    const width = this.range / HALF_BINS;
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      const c = this.counts[b]!;
      if (c > 0 && seen + c >= target) {
        const value = (b - HALF_BINS + (target - seen) / c) * width;
        return Math.min(Math.max(value, this.min), this.max);
      }
      seen += c;
    }
    return this.max;
  }

  private doubleRange(): void {
    const merged = new Float64Array(2 * HALF_BINS);
    for (let j = 0; j < HALF_BINS / 2; j++) {
      // Positive side: [0, 2R) in bins twice as wide; negative side mirrored outwards.
      merged[HALF_BINS + j] = this.counts[HALF_BINS + 2 * j]! + this.counts[HALF_BINS + 2 * j + 1]!;
      merged[HALF_BINS - 1 - j] = this.counts[HALF_BINS - 1 - 2 * j]! + this.counts[HALF_BINS - 2 - 2 * j]!;
    }
    this.counts = merged;
    this.range *= 2;
  }

  /**
   * TensorRT's entropy calibration over |x|: for each candidate threshold, the clipped
   * distribution P (outliers folded into its last bin) against Q, P squeezed into the
   * levels 8 bits give that side; the threshold with the least KL(P‖Q) wins.
   */
  private entropyThreshold(): number {
    const abs = new Float64Array(HALF_BINS);
    for (let j = 0; j < HALF_BINS; j++) abs[j] = this.counts[HALF_BINS + j]! + this.counts[HALF_BINS - 1 - j]!;
    let used = HALF_BINS;
    while (used > 1 && abs[used - 1] === 0) used--;
    // Non-negative tensors spend all 256 levels on [0, T]; signed ones about half per side.
    const levels = this.min >= 0 ? 255 : 127;
    const width = this.range / HALF_BINS;
    if (used <= levels) return used * width;
    let best = used;
    let bestKl = Number.POSITIVE_INFINITY;
    const step = Math.max(1, Math.floor((used - levels) / 256));
    for (let i = levels; i <= used; i += step) {
      const kl = clippedKl(abs, i, levels);
      if (kl < bestKl) {
        bestKl = kl;
        best = i;
      }
    }
    return best * width;
  }
}

function clippedKl(abs: Float64Array, bins: number, levels: number): number {
  const p = abs.slice(0, bins);
  for (let j = bins; j < abs.length; j++) p[bins - 1]! += abs[j]!;
  const q = new Float64Array(bins);
  for (let l = 0; l < levels; l++) {
    const start = Math.floor((l * bins) / levels);
    const end = Math.floor(((l + 1) * bins) / levels);
    let sum = 0;
    let nonZero = 0;
    // Q comes from the unclipped slice: the outliers P folds into its last bin are what Q misses.
    for (let j = start; j < end; j++) {
      sum += abs[j]!;
      if (abs[j]! > 0) nonZero++;
    }
    // Spread the level's mass over the bins that had any (empty bins stay empty).
    for (let j = start; j < end; j++) if (abs[j]! > 0) q[j] = sum / nonZero;
  }
  let pSum = 0;
  let qSum = 0;
  for (let j = 0; j < bins; j++) {
    pSum += p[j]!;
    qSum += q[j]!;
  }
  let kl = 0;
  for (let j = 0; j < bins; j++) {
    const pj = p[j]! / pSum;
    if (pj === 0) continue;
    const qj = q[j]! / qSum;
    // A bin P has and Q lacks (the folded outliers) is penalised heavily but finitely.
    kl += pj * Math.log(pj / (qj > 0 ? qj : 1e-12));
  }
  return kl;
}

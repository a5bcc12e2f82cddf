import { createRng, shuffleInPlace } from "../random";

export type PkSamplerOptions = {
  /** Distinct classes per batch. */
  p: number;
  /** Images per class per batch. */
  k: number;
  seed: number;
};

/**
 * Balanced P×K batches: each batch holds P distinct classes and K distinct items
 * of each. Classes are visited in proportion to their size (each item is seen
 * about once per epoch); classes smaller than K are skipped.
 */
export class PkSampler {
  private readonly byClass = new Map<number, number[]>();
  private readonly rng: () => number;

  constructor(
    labels: ArrayLike<number>,
    private readonly options: PkSamplerOptions,
  ) {
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i]!;
      const list = this.byClass.get(c) ?? [];
      list.push(i);
      this.byClass.set(c, list);
    }
    for (const [c, list] of this.byClass) if (list.length < options.k) this.byClass.delete(c);
    if (this.byClass.size < options.p) {
      throw new Error(`P×K sampling needs ${options.p} classes with ≥ ${options.k} items; found ${this.byClass.size}`);
    }
    this.rng = createRng(options.seed);
  }

  /** The batches of one epoch, as arrays of row indices (P×K each). */
  epoch(): number[][] {
    const { p, k } = this.options;
    // Per class, a shuffled queue of its items cut into groups of K.
    const groups: { c: number; items: number[] }[] = [];
    for (const [c, list] of this.byClass) {
      const shuffled = shuffleInPlace([...list], this.rng);
      for (let i = 0; i + k <= shuffled.length; i += k) groups.push({ c, items: shuffled.slice(i, i + k) });
    }
    shuffleInPlace(groups, this.rng);
    const batches: number[][] = [];
    let pending: { c: number; items: number[] }[] = [];
    const deferred: { c: number; items: number[] }[] = [];
    for (const group of groups) {
      if (pending.some((g) => g.c === group.c)) {
        deferred.push(group);
        continue;
      }
      pending.push(group);
      if (pending.length === p) {
        batches.push(pending.flatMap((g) => g.items));
        pending = [];
        // Retry groups deferred because their class was already in the batch.
        const retry = deferred.splice(0, deferred.length);
        for (const d of retry) {
          if (pending.some((g) => g.c === d.c)) deferred.push(d);
          else {
            pending.push(d);
            if (pending.length === p) {
              batches.push(pending.flatMap((g) => g.items));
              pending = [];
            }
          }
        }
      }
    }
    return batches;
  }
}

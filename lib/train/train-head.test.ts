import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { defaultTrainOptions, DropoutStream, trainHead } from "./train-head";
import type { TrainSet } from "./types";

/** Gaussian clusters around random class centres: separable, but not trivially. */
function makeClusters(perClass: number, classes: number, dim: number, seed: number): TrainSet {
  const rng = createRng(seed);
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: dim }, () => rng() * 2 - 1));
  const features = new Float32Array(perClass * classes * dim);
  const labels = new Int32Array(perClass * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let j = 0; j < dim; j++) features[i * dim + j] = centres[c]![j]! + (rng() * 2 - 1) * 1.2 + 2;
  }
  return { features, labels };
}

const options = { ...defaultTrainOptions, hiddenDim: 0, embedDim: 16, p: 4, k: 4, dropout: 0.1, maxEpochs: 6, patience: 2, seed: 3 };

describe("trainHead", () => {
  it("learns: validation loss falls and accuracy beats chance by far", async () => {
    const train = makeClusters(40, 6, 32, 1);
    const val = makeClusters(10, 6, 32, 1);
    const result = await trainHead(train, val, 6, options);
    const first = result.log[0]!;
    const best = result.log[result.bestEpoch - 1]!;
    expect(best.valLoss).toBeLessThan(first.valLoss);
    expect(best.valAccuracy).toBeGreaterThan(0.6);
    expect(result.weights.w2).toHaveLength(32 * 16);
    expect(result.weights.classWeights).toHaveLength(6 * 16);
  });

  it("is reproducible for a seed and restores the best epoch", async () => {
    const train = makeClusters(30, 5, 24, 2);
    const val = makeClusters(8, 5, 24, 2);
    const a = await trainHead(train, val, 5, options);
    const b = await trainHead(train, val, 5, options);
    expect(Array.from(b.weights.w2)).toEqual(Array.from(a.weights.w2));
    const c = await trainHead(train, val, 5, { ...options, seed: 4 });
    expect(Array.from(c.weights.w2)).not.toEqual(Array.from(a.weights.w2));
    expect(a.log.filter((e) => e.best).at(-1)?.epoch).toBe(a.bestEpoch);
    // Early stopping: it stops `patience` epochs after the best one, or at maxEpochs.
    expect(a.log.length === options.maxEpochs || a.log.length === a.bestEpoch + options.patience).toBe(true);
  });
});

describe("DropoutStream", () => {
  it("drops about `rate` of the values, scales the rest by 1/(1 − rate), and repeats for a seed", () => {
    const a = new DropoutStream(7).apply(new Float32Array(20_000).fill(1), 0.3);
    const zeros = a.filter((v) => v === 0).length;
    expect(zeros / a.length).toBeGreaterThan(0.28);
    expect(zeros / a.length).toBeLessThan(0.32);
    expect(new Set(a.filter((v) => v !== 0))).toEqual(new Set([Math.fround(1 / 0.7)]));
    expect(Array.from(new DropoutStream(7).apply(new Float32Array(20_000).fill(1), 0.3))).toEqual(Array.from(a));
    const stream = new DropoutStream(7);
    stream.apply(new Float32Array(10), 0.3);
    // The stream moves on: the next mask differs from the first.
    expect(Array.from(stream.apply(new Float32Array(20_000).fill(1), 0.3))).not.toEqual(Array.from(a));
    expect(Array.from(new DropoutStream(7).apply(Float32Array.of(1, 2), 0))).toEqual([1, 2]);
  });
});

import { gatherRows, normalizeRows } from "../matrix";
import { createRng } from "../random";
import { Adam } from "./adam";
import { EarlyStopping } from "./early-stopping";
import { HeadObjective, type HeadParams } from "./head-objective";
import { PkSampler } from "./pk-sampler";
import type { HeadConfig, HeadWeights, TrainSet } from "./types";

export type TrainOptions = {
  hiddenDim: number;
  embedDim: number;
  p: number;
  k: number;
  margin: number;
  /** Weight of the cross-entropy term beside the triplet loss (0 = pure triplet). */
  ceWeight: number;
  scale: number;
  learningRate: number;
  weightDecay: number;
  dropout: number;
  maxEpochs: number;
  patience: number;
  seed: number;
};

/** The reference design's values (P=16, K=4, margin 0.3, Adam) and ours where it is silent. */
export const defaultTrainOptions: TrainOptions = {
  hiddenDim: 0,
  embedDim: 256,
  p: 16,
  k: 4,
  margin: 0.3,
  ceWeight: 1,
  scale: 16,
  learningRate: 1e-3,
  weightDecay: 5e-4,
  dropout: 0.5,
  maxEpochs: 30,
  patience: 3,
  seed: 42,
};

export type EpochLog = {
  epoch: number;
  trainLoss: number;
  trainTriplet: number;
  activeTriplets: number;
  valLoss: number;
  valTriplet: number;
  valAccuracy: number;
  seconds: number;
  best: boolean;
};

export type TrainResult = { weights: HeadWeights; log: EpochLog[]; bestEpoch: number };

/** Per-dimension mean and std (std floored) of a row-major matrix. */
export function columnStats(x: Float32Array, dim: number): { mean: Float32Array; std: Float32Array } {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < dim; j++) {
      const v = x[r * dim + j]!;
      mean[j]! += v;
      sq[j]! += v * v;
    }
  const m = new Float32Array(dim);
  const s = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    m[j] = mean[j]! / n;
    s[j] = Math.max(Math.sqrt(Math.max(sq[j]! / n - m[j]! ** 2, 0)), 1e-6);
  }
  return { mean: m, std: s };
}

function standardize(unit: Float32Array, dim: number, mean: Float32Array, std: Float32Array): Float32Array {
  const out = new Float32Array(unit.length);
  for (let i = 0; i < unit.length; i++) out[i] = (unit[i]! - mean[i % dim]!) / std[i % dim]!;
  return out;
}


function glorot(rows: number, cols: number, rng: () => number): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => (rng() * 2 - 1) * limit);
}

/** Glorot-uniform weights, zero biases; one seeded stream in the order w1, w2, prototypes. */
export function initialHeadParams(config: HeadConfig, seed: number): HeadParams {
  const rng = createRng(seed);
  const { inputDim, hiddenDim, embedDim, numClasses } = config;
  const w1 = hiddenDim > 0 ? glorot(inputDim, hiddenDim, rng) : undefined;
  const w2 = glorot(hiddenDim > 0 ? hiddenDim : inputDim, embedDim, rng);
  const wc = glorot(numClasses, embedDim, rng);
  return { ...(w1 ? { w1, b1: new Float32Array(hiddenDim) } : {}), w2, b2: new Float32Array(embedDim), wc };
}

/** A seeded xorshift32 stream for dropout masks: one multiply-free step per value, half the cost of a PRNG closure call per value. */
export class DropoutStream {
  private state: number;

  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }

  /** Inverted dropout in place: each value zeroed with probability `rate`, the others scaled by 1/(1 − rate). */
  apply(values: Float32Array, rate: number): Float32Array {
    if (rate <= 0) return values;
    const keep = 1 / (1 - rate);
    const threshold = rate * 4294967296;
    let s = this.state;
    for (let i = 0; i < values.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      values[i] = s >>> 0 < threshold ? 0 : values[i]! * keep;
    }
    this.state = s;
    return values;
  }
}

function hiddenMask(rows: number, hiddenDim: number, rate: number, stream: DropoutStream): Float32Array | undefined {
  if (hiddenDim === 0 || rate <= 0) return undefined;
  return stream.apply(new Float32Array(rows * hiddenDim).fill(1), rate);
}

/** The exported head: a copy of the parameters, prototypes normalised as the served graph expects. */
function snapshot(config: HeadConfig, params: HeadParams, mean: Float32Array, std: Float32Array): HeadWeights {
  const { embedDim, numClasses } = config;
  const prototypes = Float32Array.from(params.wc);
  for (let c = 0; c < numClasses; c++) {
    const row = prototypes.subarray(c * embedDim, (c + 1) * embedDim);
    const norm = Math.max(Math.hypot(...row), 1e-12);
    for (let j = 0; j < embedDim; j++) row[j]! /= norm;
  }
  return {
    config,
    mean,
    std,
    ...(params.w1 && params.b1 ? { w1: Float32Array.from(params.w1), b1: Float32Array.from(params.b1) } : {}),
    w2: Float32Array.from(params.w2),
    b2: Float32Array.from(params.b2),
    classWeights: prototypes,
  };
}

function argMaxRow(values: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (values[row * width + c]! > values[row * width + best]!) best = c;
  return best;
}

/**
 * Trains the projection head with batch-hard triplet loss (+ cosine cross-entropy) on
 * balanced P×K batches: loss and gradient from one onnxruntime graph per step
 * (lib/train/head-objective.ts), Adam with decoupled weight decay, validation every
 * epoch and early stopping that restores the best epoch. Reproducible for a seed.
 */
export async function trainHead(
  train: TrainSet,
  val: TrainSet,
  numClasses: number,
  options: TrainOptions,
  onEpoch: (log: EpochLog) => void = () => {},
): Promise<TrainResult> {
  const inputDim = train.features.length / train.labels.length;
  const trainUnit = normalizeRows(train.features, inputDim);
  const { mean, std } = columnStats(trainUnit, inputDim);
  const trainX = standardize(trainUnit, inputDim, mean, std);
  const valX = standardize(normalizeRows(val.features, inputDim), inputDim, mean, std);

  const config: HeadConfig = {
    inputDim,
    hiddenDim: options.hiddenDim,
    embedDim: options.embedDim,
    numClasses,
    scale: options.scale,
  };
  const params = initialHeadParams(config, options.seed);
  const loss = { margin: options.margin, ceWeight: options.ceWeight };
  const objective = await HeadObjective.create(config, loss, { gradients: true });
  const validation = await HeadObjective.create(config, loss, { gradients: false });
  const adam = new Adam<keyof HeadParams>({ learningRate: options.learningRate });
  const decay = { rate: options.weightDecay, decayed: ["w1", "w2"] as (keyof HeadParams)[] };
  const dropout = new DropoutStream(options.seed * 1_000_003 + 1);
  const sampler = new PkSampler(train.labels, { p: options.p, k: options.k, seed: options.seed });
  const valBatches = new PkSampler(val.labels, { p: options.p, k: Math.min(options.k, 2), seed: options.seed + 1 }).epoch();
  const stopper = new EarlyStopping(options.patience);
  const log: EpochLog[] = [];
  let best = snapshot(config, params, mean, std);
  const labelsOf = (set: TrainSet, rows: number[]) => Int32Array.from(rows, (r) => set.labels[r]!);

  try {
    for (let epoch = 0; epoch < options.maxEpochs; epoch++) {
      const started = Date.now();
      let sumLoss = 0;
      let sumTriplet = 0;
      let sumActive = 0;
      const batches = sampler.epoch();
      for (const rows of batches) {
        const x = dropout.apply(gatherRows(trainX, inputDim, rows), options.dropout);
        const mask = hiddenMask(rows.length, options.hiddenDim, options.dropout, dropout);
        const step = await objective.evaluate(params, { x, labels: labelsOf(train, rows), hiddenMask: mask });
        adam.update(params as Record<keyof HeadParams, Float32Array>, step.gradients! as Record<keyof HeadParams, Float32Array>, decay);
        sumLoss += step.total;
        sumTriplet += step.triplet;
        sumActive += step.active;
      }

      let valLoss = 0;
      let valTriplet = 0;
      let correct = 0;
      let seen = 0;
      for (const rows of valBatches) {
        const labels = labelsOf(val, rows);
        const r = await validation.evaluate(params, { x: gatherRows(valX, inputDim, rows), labels });
        valLoss += r.total;
        valTriplet += r.triplet;
        labels.forEach((label, i) => {
          if (argMaxRow(r.logits, i, numClasses) === label) correct += 1;
        });
        seen += rows.length;
      }
      valLoss /= Math.max(valBatches.length, 1);
      const improved = stopper.record(epoch, valLoss);
      if (improved) best = snapshot(config, params, mean, std);
      const entry: EpochLog = {
        epoch: epoch + 1,
        trainLoss: sumLoss / batches.length,
        trainTriplet: sumTriplet / batches.length,
        activeTriplets: sumActive / batches.length,
        valLoss,
        valTriplet: valTriplet / Math.max(valBatches.length, 1),
        valAccuracy: correct / Math.max(seen, 1),
        seconds: (Date.now() - started) / 1000,
        best: improved,
      };
      log.push(entry);
      onEpoch(entry);
      if (stopper.shouldStop) break;
    }
  } finally {
    await objective.dispose();
    await validation.dispose();
  }
  return { weights: best, log, bestEpoch: stopper.bestEpochIndex + 1 };
}

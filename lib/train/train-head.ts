import { tf } from "./tf";
import { gatherRows, normalizeRows } from "../matrix";
import { EarlyStopping } from "./early-stopping";
import { PkSampler } from "./pk-sampler";
import { ProjectionHead } from "./projection-head";
import { batchHardTripletLoss } from "./triplet-loss";
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


/**
 * Trains the projection head with batch-hard triplet loss (+ optional cosine
 * cross-entropy) on balanced P×K batches, Adam with decoupled weight decay,
 * validation every epoch and early stopping that restores the best epoch.
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
  const head = new ProjectionHead(config, options.seed);
  const optimizer = tf.train.adam(options.learningRate);
  const sampler = new PkSampler(train.labels, { p: options.p, k: options.k, seed: options.seed });
  const valBatches = new PkSampler(val.labels, { p: options.p, k: Math.min(options.k, 2), seed: options.seed + 1 }).epoch();
  const stopper = new EarlyStopping(options.patience);
  const log: EpochLog[] = [];
  let best = head.snapshot(mean, std);

  let step = 0;
  const lossOf = (x: tf.Tensor2D, y: tf.Tensor1D, dropout: number) => {
    const { embedding, logits } = head.forward(x, dropout, options.seed * 1_000_003 + 2 * step);
    const triplet = batchHardTripletLoss(embedding, y, options.margin);
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(y, numClasses), logits) as tf.Scalar;
    const total = tf.add(triplet.loss, tf.mul(ce, options.ceWeight)) as tf.Scalar;
    return { total, triplet, logits };
  };

  for (let epoch = 0; epoch < options.maxEpochs; epoch++) {
    const started = Date.now();
    let sumLoss = 0;
    let sumTriplet = 0;
    let sumActive = 0;
    const batches = sampler.epoch();
    for (const rows of batches) {
      const x = tf.tensor2d(gatherRows(trainX, inputDim, rows), [rows.length, inputDim]);
      const y = tf.tensor1d(rows.map((r) => train.labels[r]!), "int32");
      let tripletValue = 0;
      let activeValue = 0;
      const cost = optimizer.minimize(() => {
        const { total, triplet } = lossOf(x, y, options.dropout);
        tripletValue = triplet.loss.dataSync()[0]!;
        activeValue = triplet.activeFraction.dataSync()[0]!;
        return total;
      }, true);
      // Decoupled weight decay (AdamW): shrink weights after the Adam step.
      if (options.weightDecay > 0) {
        const factor = 1 - options.learningRate * options.weightDecay;
        for (const v of head.decayed) {
          const shrunk = tf.mul(v, factor);
          v.assign(shrunk);
          shrunk.dispose();
        }
      }
      step += 1;
      sumLoss += cost!.dataSync()[0]!;
      sumTriplet += tripletValue;
      sumActive += activeValue;
      tf.dispose([x, y, cost!]);
    }

    let valLoss = 0;
    let valTriplet = 0;
    let correct = 0;
    let seen = 0;
    for (const rows of valBatches) {
      tf.tidy(() => {
        const x = tf.tensor2d(gatherRows(valX, inputDim, rows), [rows.length, inputDim]);
        const y = tf.tensor1d(rows.map((r) => val.labels[r]!), "int32");
        const { total, triplet, logits } = lossOf(x, y, 0);
        valLoss += total.dataSync()[0]!;
        valTriplet += triplet.loss.dataSync()[0]!;
        const predicted = tf.argMax(logits, 1).dataSync();
        rows.forEach((r, i) => {
          if (predicted[i] === val.labels[r]) correct += 1;
        });
        seen += rows.length;
      });
    }
    valLoss /= Math.max(valBatches.length, 1);
    const improved = stopper.record(epoch, valLoss);
    if (improved) best = head.snapshot(mean, std);
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
  head.restore(best);
  const weights = head.snapshot(mean, std);
  head.dispose();
  optimizer.dispose();
  return { weights, log, bestEpoch: stopper.bestEpochIndex + 1 };
}

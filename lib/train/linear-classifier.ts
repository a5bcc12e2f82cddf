import os from "node:os";
import * as ort from "onnxruntime-node";
import { OnnxGraphBuilder } from "../onnx/onnx-graph";
import { createProgress, type ProgressSink } from "../progress";
import { minimizeLbfgs } from "./lbfgs";
import type { LinearClassifier, TrainSet } from "./types";

export type LinearClassifierOptions = {
  /** L2 penalty λ on the weights: loss = mean cross-entropy + λ/2·‖W‖². */
  l2: number;
  /** Most loss-and-gradient evaluations of the full-batch optimiser. */
  maxEvaluations: number;
  /** Where to report evaluations done against `maxEvaluations` (the CLIs pass process.stderr); none: quiet. */
  progress?: ProgressSink;
};

export type LinearClassifierFit = { classifier: LinearClassifier; loss: number; evaluations: number; seconds: number };

/** sign(x)·√|x|, then (x − mean) / std, column-wise. */
export function powerStandardize(features: Float32Array, dim: number, mean: Float32Array, std: Float32Array): Float32Array {
  const out = new Float32Array(features.length);
  for (let i = 0; i < features.length; i++) {
    const v = features[i]!;
    const c = i % dim;
    out[i] = (Math.sign(v) * Math.sqrt(Math.abs(v)) - mean[c]!) / std[c]!;
  }
  return out;
}

function powerStats(features: Float32Array, dim: number): { mean: Float32Array; std: Float32Array } {
  const rows = features.length / dim;
  const sum = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  for (let i = 0; i < features.length; i++) {
    const v = features[i]!;
    const r = Math.sign(v) * Math.sqrt(Math.abs(v));
    sum[i % dim]! += r;
    sumSq[i % dim]! += r * r;
  }
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim);
  for (let c = 0; c < dim; c++) {
    mean[c] = sum[c]! / rows;
    std[c] = Math.sqrt(Math.max(sumSq[c]! / rows - mean[c]! ** 2, 0)) + 1e-6;
  }
  return { mean, std };
}

/**
 * Mean softmax cross-entropy of `x·w + b` against one-hot `y` and its gradient,
 * in one onnxruntime run (MLAS GEMMs, several times faster here than TF.js'
 * WebAssembly matrix product): g = (softmax − y)/n, ∂w = xᵀ·g, ∂b = Σ g.
 * Hand-derived, so checked against finite differences in linear-classifier.test.ts.
 */
export class SoftmaxRegressionObjective {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly feeds: { x: ort.Tensor; y: ort.Tensor },
    readonly dim: number,
    readonly numClasses: number,
  ) {}

  static async create(x: Float32Array, labels: Int32Array, numClasses: number): Promise<SoftmaxRegressionObjective> {
    const rows = labels.length;
    const dim = x.length / rows;
    const g = new OnnxGraphBuilder();
    g.addInput("x", ["rows", dim]);
    g.addInput("y", ["rows", numClasses]);
    g.addInput("w", [dim, numClasses]);
    g.addInput("b", [numClasses]);
    const invN = g.addFloatInitializer("inv_n", [1], Float32Array.of(1 / rows));
    const logSoftmax = g.addNode("LogSoftmax", [g.addNode("Gemm", ["x", "w", "b"])], { axis: 1 });
    const picked = g.addNode("ReduceSum", [g.addNode("Mul", ["y", logSoftmax])], { keepdims: 0 });
    g.addNode("Mul", [g.addNode("Neg", [picked]), invN], {}, ["loss"]);
    const residual = g.addNode("Mul", [g.addNode("Sub", [g.addNode("Exp", [logSoftmax]), "y"]), invN]);
    g.addNode("Gemm", ["x", residual], { transA: 1 }, ["grad_w"]);
    g.addNode("ReduceSum", [residual, g.addInt64Initializer("axis0", [0])], { keepdims: 0 }, ["grad_b"]);
    g.addOutput("loss", [1]);
    g.addOutput("grad_w", [dim, numClasses]);
    g.addOutput("grad_b", [numClasses]);
    const session = await ort.InferenceSession.create(g.encode("softmax_regression", "Cross-entropy and its gradient"), {
      graphOptimizationLevel: "all",
      intraOpNumThreads: os.availableParallelism(),
      interOpNumThreads: 1,
    });
    const y = new Float32Array(rows * numClasses);
    labels.forEach((label, r) => (y[r * numClasses + label] = 1));
    return new SoftmaxRegressionObjective(
      session,
      { x: new ort.Tensor("float32", x, [rows, dim]), y: new ort.Tensor("float32", y, [rows, numClasses]) },
      dim,
      numClasses,
    );
  }

  /** Mean cross-entropy and its gradient at θ = [w (dim × classes, row-major), b]. */
  async evaluate(theta: Float64Array): Promise<{ value: number; gradient: Float64Array }> {
    const size = this.dim * this.numClasses;
    const out = await this.session.run({
      ...this.feeds,
      w: new ort.Tensor("float32", Float32Array.from(theta.subarray(0, size)), [this.dim, this.numClasses]),
      b: new ort.Tensor("float32", Float32Array.from(theta.subarray(size)), [this.numClasses]),
    });
    const gradient = new Float64Array(theta.length);
    gradient.set(out.grad_w!.data as Float32Array);
    gradient.set(out.grad_b!.data as Float32Array, size);
    return { value: (out.loss!.data as Float32Array)[0]!, gradient };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Fits the classifier to convergence with full-batch L-BFGS. Mini-batch Adam on
 * the same model stops about a point of accuracy short (docs/decisions/0005).
 */
export async function fitLinearClassifier(train: TrainSet, numClasses: number, options: LinearClassifierOptions): Promise<LinearClassifierFit> {
  const started = Date.now();
  const rows = train.labels.length;
  const dim = train.features.length / rows;
  const { mean, std } = powerStats(train.features, dim);
  const objective = await SoftmaxRegressionObjective.create(powerStandardize(train.features, dim, mean, std), train.labels, numClasses);
  const size = dim * numClasses;
  // maxEvaluations is a bound: a fit that converges sooner ends below 100%.
  const progress = createProgress({ label: "classifier", total: options.maxEvaluations, unit: "evaluation", sink: options.progress });
  try {
    const result = await minimizeLbfgs(
      async (theta) => {
        const { value, gradient } = await objective.evaluate(theta);
        progress?.advance();
        let penalty = 0;
        for (let i = 0; i < size; i++) {
          penalty += theta[i]! ** 2;
          gradient[i]! += options.l2 * theta[i]!;
        }
        return { value: value + (options.l2 / 2) * penalty, gradient };
      },
      new Float64Array(size + numClasses),
      { maxEvaluations: options.maxEvaluations, gradientTolerance: 1e-6, valueTolerance: 1e-7 },
    );
    progress?.finish();
    return {
      classifier: { mean, std, weights: Float32Array.from(result.x.subarray(0, size)), bias: Float32Array.from(result.x.subarray(size)) },
      loss: result.value,
      evaluations: result.evaluations,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await objective.dispose();
  }
}

/** Class probabilities [rows, numClasses] of raw descriptors, computed in JavaScript. */
export function classifyFeatures(classifier: LinearClassifier, features: Float32Array): Float32Array {
  const dim = classifier.mean.length;
  const numClasses = classifier.bias.length;
  const rows = features.length / dim;
  const x = powerStandardize(features, dim, classifier.mean, classifier.std);
  const out = new Float32Array(rows * numClasses);
  const logits = new Float64Array(numClasses);
  for (let r = 0; r < rows; r++) {
    logits.set(classifier.bias);
    for (let d = 0; d < dim; d++) {
      const v = x[r * dim + d]!;
      if (v === 0) continue;
      const row = d * numClasses;
      for (let c = 0; c < numClasses; c++) logits[c]! += v * classifier.weights[row + c]!;
    }
    const top = Math.max(...logits);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += Math.exp(logits[c]! - top);
    for (let c = 0; c < numClasses; c++) out[r * numClasses + c] = Math.exp(logits[c]! - top) / sum;
  }
  return out;
}

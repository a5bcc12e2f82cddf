import os from "node:os";
import * as ort from "onnxruntime-node";
import { AppError } from "../errors";
import { OnnxGraphBuilder } from "../onnx/onnx-graph";
import type { HeadConfig } from "./types";

/** The trainable tensors of the projection head, row-major (shapes in HeadConfig's terms). */
export type HeadParams = {
  /** [inputDim, hiddenDim] and [hiddenDim], present when hiddenDim > 0. */
  w1?: Float32Array;
  b1?: Float32Array;
  /** [hiddenDim || inputDim, embedDim] */
  w2: Float32Array;
  b2: Float32Array;
  /** Raw (unnormalised) class prototypes [numClasses, embedDim]. */
  wc: Float32Array;
};

export type HeadLossOptions = {
  /** Triplet margin on Euclidean distances between unit embeddings. */
  margin: number;
  /** Weight of the cosine-classifier cross-entropy beside the triplet loss. */
  ceWeight: number;
};

export type HeadBatch = {
  /** Standardised input rows [n, inputDim], input dropout already applied. */
  x: Float32Array;
  labels: Int32Array;
  /** Hidden-layer dropout multipliers [n, hiddenDim] (0 or 1/(1 − p)); absent: none. Only with hiddenDim > 0. */
  hiddenMask?: Float32Array;
};

export type HeadEvaluation = {
  /** triplet + ceWeight · crossEntropy */
  total: number;
  triplet: number;
  crossEntropy: number;
  /** Fraction of anchors whose hardest triplet violates the margin. */
  active: number;
  /** Cosine-classifier logits [n, numClasses]. */
  logits: Float32Array;
  /** ∂total/∂θ, one array per parameter; only from an objective created with gradients. */
  gradients?: HeadParams;
};

const FLOAT = 1; // TensorProto.DataType.FLOAT, for Cast

/**
 * The head's training loss and its gradient as one onnxruntime graph: the forward pass of
 * lib/model/head-graph.ts (optional ReLU layer, linear projection, L2 normalisation, cosine
 * classifier with L2-normalised prototypes, logits = scale · cos), batch-hard triplet loss
 * (Hermans et al. 2017: per anchor the farthest positive and the nearest negative, Euclidean
 * distances, mean of max(0, d⁺ − d⁻ + margin)) plus ceWeight × mean softmax cross-entropy,
 * and the hand-derived backward pass. MLAS runs every matrix product on all cores: a 64-row
 * step costs about a millisecond where TF.js' WebAssembly backend took 70 (docs/decisions/0022).
 * Ties in the hardest positive/negative pass the gradient to every tied element, as a max's
 * gradient does in TF.js. Checked against float64 finite differences in head-objective.test.ts.
 */
export class HeadObjective {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly config: HeadConfig,
    readonly withGradients: boolean,
  ) {}

  static async create(config: HeadConfig, loss: HeadLossOptions, options: { gradients: boolean }): Promise<HeadObjective> {
    const model = buildHeadObjectiveGraph(config, loss, options.gradients);
    const session = await ort.InferenceSession.create(model, {
      graphOptimizationLevel: "all",
      intraOpNumThreads: os.availableParallelism(),
      interOpNumThreads: 1,
    });
    return new HeadObjective(session, config, options.gradients);
  }

  async evaluate(params: HeadParams, batch: HeadBatch): Promise<HeadEvaluation> {
    const { inputDim, hiddenDim, embedDim, numClasses } = this.config;
    const n = batch.labels.length;
    if (batch.x.length !== n * inputDim) throw new AppError("internal", "HeadObjective: x does not match the labels");
    const projIn = hiddenDim > 0 ? hiddenDim : inputDim;
    const pos = new Float32Array(n * n);
    const neg = new Float32Array(n * n);
    const onehot = new Float32Array(n * numClasses);
    for (let i = 0; i < n; i++) {
      onehot[i * numClasses + batch.labels[i]!] = 1;
      for (let j = 0; j < n; j++) {
        const same = batch.labels[i] === batch.labels[j];
        if (same && i !== j) pos[i * n + j] = 1;
        if (!same) neg[i * n + j] = 1;
      }
    }
    const t = (data: Float32Array, dims: number[]) => new ort.Tensor("float32", data, dims);
    const feeds: Record<string, ort.Tensor> = {
      x: t(batch.x, [n, inputDim]),
      pos: t(pos, [n, n]),
      neg: t(neg, [n, n]),
      onehot: t(onehot, [n, numClasses]),
      w2: t(params.w2, [projIn, embedDim]),
      b2: t(params.b2, [embedDim]),
      wc: t(params.wc, [numClasses, embedDim]),
    };
    if (hiddenDim > 0) {
      if (!params.w1 || !params.b1) throw new AppError("internal", "HeadObjective: a hidden layer needs w1 and b1");
      feeds.w1 = t(params.w1, [inputDim, hiddenDim]);
      feeds.b1 = t(params.b1, [hiddenDim]);
      feeds.hidden_mask = t(batch.hiddenMask ?? new Float32Array(n * hiddenDim).fill(1), [n, hiddenDim]);
    }
    const out = await this.session.run(feeds);
    const read = (name: string) => out[name]!.data as Float32Array;
    const evaluation: HeadEvaluation = {
      total: read("total")[0]!,
      triplet: read("triplet")[0]!,
      crossEntropy: read("cross_entropy")[0]!,
      active: read("active")[0]!,
      logits: read("logits"),
    };
    if (this.withGradients) {
      evaluation.gradients = {
        w2: read("grad_w2"),
        b2: read("grad_b2"),
        wc: read("grad_wc"),
        ...(hiddenDim > 0 ? { w1: read("grad_w1"), b1: read("grad_b1") } : {}),
      };
    }
    return evaluation;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** The objective's ONNX graph (exported for its tests); outputs total, triplet, cross_entropy, active, logits and, with gradients, grad_*. */
export function buildHeadObjectiveGraph(config: HeadConfig, loss: HeadLossOptions, gradients: boolean): Uint8Array {
  const { inputDim, hiddenDim, embedDim, numClasses, scale } = config;
  const g = new OnnxGraphBuilder();
  const constant = (value: number) => g.addFloatInitializer(g.uniqueName("c"), [], Float32Array.of(value));
  const axis1 = g.addInt64Initializer("axis1", [1]);
  const [zero, one, two, four] = [0, 1, 2, 4].map(constant) as [string, string, string, string];
  const eps = constant(1e-12);
  const rowSum = (x: string) => g.addNode("ReduceSum", [x, axis1], { keepdims: 1 });
  const mul = (a: string, b: string) => g.addNode("Mul", [a, b]);
  const sub = (a: string, b: string) => g.addNode("Sub", [a, b]);
  const add = (a: string, b: string) => g.addNode("Add", [a, b]);
  const div = (a: string, b: string) => g.addNode("Div", [a, b]);
  const isPositive = (x: string) => g.addNode("Cast", [g.addNode("Greater", [x, zero])], { to: FLOAT });

  g.addInput("x", ["n", inputDim]);
  g.addInput("pos", ["n", "n"]);
  g.addInput("neg", ["n", "n"]);
  g.addInput("onehot", ["n", numClasses]);
  let h = "x";
  let hiddenPre = "";
  if (hiddenDim > 0) {
    g.addInput("w1", [inputDim, hiddenDim]);
    g.addInput("b1", [hiddenDim]);
    g.addInput("hidden_mask", ["n", hiddenDim]);
    hiddenPre = g.addNode("Gemm", ["x", "w1", "b1"]);
    h = mul(g.addNode("Relu", [hiddenPre]), "hidden_mask");
  }
  g.addInput("w2", [hiddenDim > 0 ? hiddenDim : inputDim, embedDim]);
  g.addInput("b2", [embedDim]);
  g.addInput("wc", [numClasses, embedDim]);

  // Forward: unit embeddings e, unit prototypes p, logits = scale · e·pᵀ.
  const z = g.addNode("Gemm", [h, "w2", "b2"]);
  const zNorm = g.addNode("Max", [g.addNode("Sqrt", [rowSum(mul(z, z))]), eps]);
  const e = div(z, zNorm);
  const wcNorm = g.addNode("Max", [g.addNode("Sqrt", [rowSum(mul("wc", "wc"))]), eps]);
  const p = div("wc", wcNorm);
  g.addNode("Gemm", [e, p], { transB: 1, alpha: { float: scale } }, ["logits"]);
  const logSoftmax = g.addNode("LogSoftmax", ["logits"], { axis: 1 });
  const picked = g.addNode("ReduceSum", [mul("onehot", logSoftmax), axis1], { keepdims: 0 });
  g.addNode("Neg", [g.addNode("ReduceMean", [picked], { keepdims: 0 })], {}, ["cross_entropy"]);

  // Batch-hard triplet loss on d = √(max(0, 2 − 2·e·eᵀ) + ε).
  const preRelu = sub(two, mul(two, g.addNode("Gemm", [e, e], { transB: 1 })));
  const dist = g.addNode("Sqrt", [add(g.addNode("Relu", [preRelu]), eps)]);
  const positives = mul(dist, "pos");
  const hardestPositive = g.addNode("ReduceMax", [positives], { axes: [1], keepdims: 1 });
  // Non-negatives read 4, farther than any two unit vectors.
  const negatives = add(mul(dist, "neg"), mul(four, sub(one, "neg")));
  const hardestNegative = g.addNode("ReduceMin", [negatives], { axes: [1], keepdims: 1 });
  const violation = add(sub(hardestPositive, hardestNegative), constant(loss.margin));
  g.addNode("ReduceMean", [g.addNode("Relu", [violation])], { keepdims: 0 }, ["triplet"]);
  const violated = isPositive(violation);
  g.addNode("ReduceMean", [violated], { keepdims: 0 }, ["active"]);
  g.addNode("Add", ["triplet", mul("cross_entropy", constant(loss.ceWeight))], {}, ["total"]);
  const outputs: [string, (number | string)[]][] = [
    ["total", []],
    ["triplet", []],
    ["cross_entropy", []],
    ["active", []],
    ["logits", ["n", numClasses]],
  ];

  if (gradients) {
    const axis0 = g.addInt64Initializer("axis0", [0]);
    const half = constant(0.5);
    const rows = g.addNode("Cast", [g.addNode("Gather", [g.addNode("Shape", ["x"]), axis0])], { to: FLOAT });
    // Triplet: ∂/∂violation = [violation > 0]/n, routed to the selected distances.
    const dViolation = div(violated, rows);
    const selectedPositive = mul(g.addNode("Cast", [g.addNode("Equal", [positives, hardestPositive])], { to: FLOAT }), "pos");
    const selectedNegative = mul(g.addNode("Cast", [g.addNode("Equal", [negatives, hardestNegative])], { to: FLOAT }), "neg");
    const dDist = mul(dViolation, sub(selectedPositive, selectedNegative));
    // d = √u: ∂u = ∂d / 2d; u = relu(2 − 2G): ∂G = −2·[2 − 2G > 0]·∂u; G = e·eᵀ: ∂e = (∂G + ∂Gᵀ)·e.
    const dGram = mul(mul(div(mul(dDist, half), dist), constant(-2)), isPositive(preRelu));
    const dEmbedTriplet = g.addNode("MatMul", [add(dGram, g.addNode("Transpose", [dGram], { perm: [1, 0] })), e]);
    // Cross-entropy: ∂logits = ceWeight·(softmax − onehot)/n; logits = scale·e·pᵀ.
    const dLogits = mul(sub(g.addNode("Exp", [logSoftmax]), "onehot"), div(constant(loss.ceWeight), rows));
    const dEmbed = add(dEmbedTriplet, g.addNode("Gemm", [dLogits, p], { alpha: { float: scale } }));
    const dPrototypes = g.addNode("Gemm", [dLogits, e], { transA: 1, alpha: { float: scale } });
    // v = u/‖u‖ row-wise: ∂u = (∂v − v·⟨v, ∂v⟩)/‖u‖.
    const unnormalise = (unit: string, dUnit: string, norm: string, name: string) =>
      g.addNode("Div", [sub(dUnit, mul(unit, rowSum(mul(unit, dUnit)))), norm], {}, [name]);
    const dz = unnormalise(e, dEmbed, zNorm, g.uniqueName("grad_z"));
    unnormalise(p, dPrototypes, wcNorm, "grad_wc");
    g.addNode("Gemm", [h, dz], { transA: 1 }, ["grad_w2"]);
    g.addNode("ReduceSum", [dz, axis0], { keepdims: 0 }, ["grad_b2"]);
    outputs.push(["grad_w2", [hiddenDim > 0 ? hiddenDim : inputDim, embedDim]], ["grad_b2", [embedDim]], ["grad_wc", [numClasses, embedDim]]);
    if (hiddenDim > 0) {
      const dHidden = mul(mul(g.addNode("Gemm", [dz, "w2"], { transB: 1 }), "hidden_mask"), isPositive(hiddenPre));
      g.addNode("Gemm", ["x", dHidden], { transA: 1 }, ["grad_w1"]);
      g.addNode("ReduceSum", [dHidden, axis0], { keepdims: 0 }, ["grad_b1"]);
      outputs.push(["grad_w1", [inputDim, hiddenDim]], ["grad_b1", [hiddenDim]]);
    }
  }
  for (const [name, dims] of outputs) g.addOutput(name, dims);
  return g.encode("head_objective", gradients ? "Projection-head training loss and its gradient" : "Projection-head training loss");
}

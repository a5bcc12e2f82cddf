// Plain shapes shared by the trainer, the projection head, the classifier and the
// ONNX export (lib/model/head-graph.ts): data only, so every side imports them
// without importing each other or TF.js.

/** Labelled rows of raw backbone features, the input of every fit. */
export type TrainSet = {
  /** Raw backbone features, row-major [n, dim]. */
  features: Float32Array;
  /** Class index per row. */
  labels: Int32Array;
};

/**
 * A multinomial logistic regression over the raw backbone descriptors: signed
 * square root, standardised with the training split's statistics, then one
 * affine map to the labels. Runs in the served graph beside the embedding head.
 */
export type LinearClassifier = {
  /** Per-dimension mean and std of the signed square roots of the training descriptors. */
  mean: Float32Array;
  std: Float32Array;
  /** [inputDim, numClasses], row-major. */
  weights: Float32Array;
  bias: Float32Array;
};

export type HeadConfig = {
  inputDim: number;
  /** Width of the hidden ReLU layer; 0 = a linear projection. */
  hiddenDim: number;
  embedDim: number;
  numClasses: number;
  /** Temperature of the cosine classifier (logits = scale · cos). */
  scale: number;
};

/** Everything needed to run the head outside TF.js (ONNX export, JS inference). */
export type HeadWeights = {
  config: HeadConfig;
  /** Per-dimension mean and std of the L2-normalised training features. */
  mean: Float32Array;
  std: Float32Array;
  w1?: Float32Array; // [inputDim, hiddenDim]
  b1?: Float32Array;
  w2: Float32Array; // [hiddenDim || inputDim, embedDim]
  b2: Float32Array;
  /** Unit-norm class prototypes [numClasses, embedDim]. */
  classWeights: Float32Array;
  /** When set, the served probabilities come from this classifier over the raw descriptors instead of the prototypes. */
  classifier?: LinearClassifier;
};

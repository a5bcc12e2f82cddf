import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { AppError } from "../errors";
import { normalizeRowsInPlace } from "../matrix";
import type { ModelManifest } from "../model/manifest";

export type FeatureEmbeddings = {
  /** L2-normalised embeddings [n, dim]. */
  embeddings: Float32Array;
  /** Class probabilities [n, labels] when the model has a classifier. */
  probabilities?: Float32Array;
};

/**
 * Turns raw backbone descriptors into the served model's embeddings without
 * re-running the CNN: the backbone's embedding is the normalised GAP prefix; a
 * trained model's head graph is run on the features. Mathematically the same as
 * running the served graph on the images (a test checks it).
 */
export async function embedFeatures(
  modelsDir: string,
  model: ModelManifest,
  features: Float32Array,
  n: number,
  batchSize = 1024,
): Promise<FeatureEmbeddings> {
  const featureDim = features.length / Math.max(n, 1);
  if (model.kind === "backbone") {
    // The backbone's embedding is its normalised GAP features, the descriptor's first columns.
    const dim = model.embedding.dim;
    const embeddings = new Float32Array(n * dim);
    for (let r = 0; r < n; r++) embeddings.set(features.subarray(r * featureDim, r * featureDim + dim), r * dim);
    return { embeddings: normalizeRowsInPlace(embeddings, dim) };
  }
  if (!model.head || !model.classifier) throw new AppError("internal", `Model ${model.name} has no head graph`);
  const session = await ort.InferenceSession.create(path.join(modelsDir, model.head.file), {
    intraOpNumThreads: os.availableParallelism(),
    graphOptimizationLevel: "all",
  });
  const dim = model.embedding.dim;
  const classes = model.classifier.labels.length;
  const embeddings = new Float32Array(n * dim);
  const probabilities = new Float32Array(n * classes);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const input = new ort.Tensor("float32", features.subarray(start * featureDim, (start + m) * featureDim), [m, featureDim]);
      const out = await session.run({ [model.head.input]: input });
      embeddings.set(out[model.embedding.output]!.data as Float32Array, start * dim);
      probabilities.set(out[model.classifier.output]!.data as Float32Array, start * classes);
    }
  } finally {
    await session.release();
  }
  return { embeddings, probabilities };
}

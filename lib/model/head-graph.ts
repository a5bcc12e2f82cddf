import type { HeadWeights } from "../train/types";
import { addL2Normalize } from "./build-backbone";
import type { OnnxGraphBuilder } from "../onnx/onnx-graph";

/**
 * Appends the trained head to a graph whose `features` tensor holds raw backbone
 * features [N, inputDim]: L2-normalise → standardise → (Gemm+ReLU) → Gemm →
 * L2-normalise = `embedding`; class probabilities from the linear classifier over
 * the raw features (signed square root → standardise → Gemm → softmax) when the
 * head has one, else from the cosine classifier on the embedding.
 */
export function appendHead(g: OnnxGraphBuilder, features: string, w: HeadWeights): { embedding: string; probabilities: string } {
  const { inputDim, hiddenDim, embedDim, numClasses, scale } = w.config;
  const unit = addL2Normalize(g, features, g.uniqueName("features_unit"));
  const centred = g.addNode("Sub", [unit, g.addFloatInitializer("head.mean", [inputDim], w.mean)]);
  let h = g.addNode("Div", [centred, g.addFloatInitializer("head.std", [inputDim], w.std)]);
  if (hiddenDim > 0 && w.w1 && w.b1) {
    const w1 = g.addFloatInitializer("head.w1", [inputDim, hiddenDim], w.w1);
    const b1 = g.addFloatInitializer("head.b1", [hiddenDim], w.b1);
    h = g.addNode("Relu", [g.addNode("Gemm", [h, w1, b1])]);
  }
  const projIn = hiddenDim > 0 ? hiddenDim : inputDim;
  const w2 = g.addFloatInitializer("head.w2", [projIn, embedDim], w.w2);
  const b2 = g.addFloatInitializer("head.b2", [embedDim], w.b2);
  const z = g.addNode("Gemm", [h, w2, b2]);
  const embedding = addL2Normalize(g, z, "embedding");
  let logits: string;
  if (w.classifier) {
    const c = w.classifier;
    const root = g.addNode("Mul", [g.addNode("Sign", [features]), g.addNode("Sqrt", [g.addNode("Abs", [features])])]);
    const centredRoot = g.addNode("Sub", [root, g.addFloatInitializer("classifier.mean", [inputDim], c.mean)]);
    const standardRoot = g.addNode("Div", [centredRoot, g.addFloatInitializer("classifier.std", [inputDim], c.std)]);
    const weights = g.addFloatInitializer("classifier.weights", [inputDim, numClasses], c.weights);
    logits = g.addNode("Gemm", [standardRoot, weights, g.addFloatInitializer("classifier.bias", [numClasses], c.bias)]);
  } else {
    // Prototypes are stored unit-norm; fold the temperature into them.
    const scaled = w.classWeights.map((v) => v * scale);
    const wc = g.addFloatInitializer("head.class_weights", [numClasses, embedDim], scaled);
    logits = g.addNode("Gemm", [embedding, wc], { transB: 1 });
  }
  const probabilities = g.addNode("Softmax", [logits], { axis: 1 }, ["probabilities"]);
  g.addOutput(embedding, ["batch", embedDim]);
  g.addOutput(probabilities, ["batch", numClasses]);
  return { embedding, probabilities };
}

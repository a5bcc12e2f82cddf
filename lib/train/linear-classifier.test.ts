import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { classifyFeatures, fitLinearClassifier, powerStandardize, SoftmaxRegressionObjective } from "./linear-classifier";

/** Mean softmax cross-entropy of x·w + b, in float64, straight from the definition. */
function crossEntropy(x: Float32Array, labels: Int32Array, theta: Float64Array, dim: number, classes: number): number {
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    const logits = Array.from({ length: classes }, (_, c) => {
      let z = theta[dim * classes + c]!;
      for (let d = 0; d < dim; d++) z += x[r * dim + d]! * theta[d * classes + c]!;
      return z;
    });
    const top = Math.max(...logits);
    const logSum = top + Math.log(logits.reduce((s, z) => s + Math.exp(z - top), 0));
    total += logSum - logits[labels[r]!]!;
  }
  return total / labels.length;
}

function clusters(perClass: number, classes: number, dim: number, seed: number) {
  const rng = createRng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => rng() * 4));
  const features = new Float32Array(perClass * classes * dim);
  const labels = new Int32Array(perClass * classes);
  for (let i = 0; i < labels.length; i++) {
    labels[i] = i % classes;
    for (let d = 0; d < dim; d++) features[i * dim + d] = Math.max(0, centres[i % classes]![d]! + (rng() - 0.5) * 3);
  }
  return { features, labels };
}

describe("SoftmaxRegressionObjective", () => {
  it("returns the mean cross-entropy and a gradient that matches central finite differences", async () => {
    const [rows, dim, classes] = [12, 5, 3];
    const rng = createRng(7);
    const x = Float32Array.from({ length: rows * dim }, () => rng() * 2 - 1);
    const labels = Int32Array.from({ length: rows }, (_, r) => r % classes);
    const theta = Float64Array.from({ length: dim * classes + classes }, () => Math.fround(rng() - 0.5));
    const objective = await SoftmaxRegressionObjective.create(x, labels, classes);
    try {
      const { value, gradient } = await objective.evaluate(theta);
      expect(value).toBeCloseTo(crossEntropy(x, labels, theta, dim, classes), 5);
      const h = 1e-3;
      for (let i = 0; i < theta.length; i++) {
        const plus = Float64Array.from(theta);
        const minus = Float64Array.from(theta);
        plus[i]! += h;
        minus[i]! -= h;
        const numeric = (crossEntropy(x, labels, plus, dim, classes) - crossEntropy(x, labels, minus, dim, classes)) / (2 * h);
        expect(Math.abs(gradient[i]! - numeric), `component ${i}`).toBeLessThan(1e-4);
      }
    } finally {
      await objective.dispose();
    }
  });
});

describe("fitLinearClassifier", () => {
  it("learns separable clusters, and classifyFeatures agrees with the standardised features it was fitted on", async () => {
    const train = clusters(30, 4, 8, 1);
    const test = clusters(10, 4, 8, 1);
    const fit = await fitLinearClassifier(train, 4, { l2: 0.01, maxEvaluations: 100 });
    expect(fit.evaluations).toBeLessThanOrEqual(100);
    const probabilities = classifyFeatures(fit.classifier, test.features);
    let correct = 0;
    for (let r = 0; r < test.labels.length; r++) {
      const row = Array.from(probabilities.subarray(r * 4, r * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (row.indexOf(Math.max(...row)) === test.labels[r]) correct += 1;
    }
    expect(correct / test.labels.length).toBeGreaterThan(0.9);
    // Training features standardise to zero mean and unit variance per column.
    const x = powerStandardize(train.features, 8, fit.classifier.mean, fit.classifier.std);
    const column = Array.from({ length: train.labels.length }, (_, r) => x[r * 8 + 3]!);
    const mean = column.reduce((a, b) => a + b, 0) / column.length;
    expect(mean).toBeCloseTo(0, 4);
    expect(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length).toBeCloseTo(1, 2);
  });

  it("a larger penalty gives smaller weights", async () => {
    const train = clusters(20, 3, 6, 2);
    const norm = (w: Float32Array) => Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    const loose = await fitLinearClassifier(train, 3, { l2: 0.001, maxEvaluations: 80 });
    const tight = await fitLinearClassifier(train, 3, { l2: 1, maxEvaluations: 80 });
    expect(norm(tight.classifier.weights)).toBeLessThan(norm(loose.classifier.weights));
  });
});

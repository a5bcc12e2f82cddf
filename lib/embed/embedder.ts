import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import type { DecodeLimits } from "../image/decode";
import { preprocessImage } from "../image/preprocess";
import type { ModelManifest } from "../model/manifest";

export type EmbedderOptions = {
  /** Intra-op threads; 0 = one per core. */
  threads?: number;
};

export type EmbedOutputs = {
  /** L2-normalised embeddings, row-major [n, dim]. */
  embedding: Float32Array;
  /** Raw backbone features [n, featureDim], when the model exposes them. */
  features?: Float32Array;
  /** Class probabilities [n, labels], when the model has a classifier. */
  probabilities?: Float32Array;
};

/** ONNX Runtime's session options for the model, but the thread count (ours and the inference thread's alike). */
export const EMBEDDER_SESSION_OPTIONS = {
  graphOptimizationLevel: "all",
  executionMode: "sequential",
  interOpNumThreads: 1,
  // Idle pool threads must not spin between requests: they would steal the cores of the
  // search scorer's session and of sharp's decoding (measured in docs/decisions/0010).
  extra: { session: { intra_op: { allow_spinning: "0" } } },
} satisfies ort.InferenceSession.SessionOptions;

/** What runs the model on preprocessed images: in this thread (Embedder) or on a worker thread (ThreadedEmbedder). */
export type ImageEmbedder = {
  readonly manifest: ModelManifest;
  readonly dim: number;
  preprocess(bytes: Uint8Array, limits: DecodeLimits): Promise<Float32Array>;
  run(pixels: Float32Array, n: number, wantFeatures?: boolean): Promise<EmbedOutputs>;
  runBatch(images: Float32Array[], wantFeatures?: boolean): Promise<EmbedOutputs>;
  dispose(): Promise<void>;
};

/**
 * One ONNX Runtime session and the manifest that says how to feed it, run on the calling
 * thread: onnxruntime-node's `run` blocks it for the whole inference (fine for scripts; the
 * server uses ThreadedEmbedder).
 */
export class Embedder implements ImageEmbedder {
  private constructor(
    readonly manifest: ModelManifest,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Loads `<modelsDir>/<manifest.file>` into an ONNX Runtime CPU session. */
  static async create(modelsDir: string, manifest: ModelManifest, options: EmbedderOptions = {}): Promise<Embedder> {
    const threads = options.threads || os.availableParallelism();
    const session = await ort.InferenceSession.create(path.join(modelsDir, manifest.file), { ...EMBEDDER_SESSION_OPTIONS, intraOpNumThreads: threads });
    return new Embedder(manifest, session);
  }

  get dim(): number {
    return this.manifest.embedding.dim;
  }

  /** Decodes and preprocesses one image as the manifest says. */
  preprocess(bytes: Uint8Array, limits: DecodeLimits): Promise<Float32Array> {
    return preprocessImage(bytes, this.manifest.preprocess, limits);
  }

  /** Runs the model on n preprocessed images laid end to end. */
  async run(pixels: Float32Array, n: number, wantFeatures = false): Promise<EmbedOutputs> {
    const { height, width } = this.manifest.preprocess;
    const input = new ort.Tensor("float32", pixels, [n, height, width, 3]);
    const fetches = [this.manifest.embedding.output];
    if (wantFeatures && this.manifest.features) fetches.push(this.manifest.features.output);
    if (this.manifest.classifier) fetches.push(this.manifest.classifier.output);
    const result = await this.session.run({ [this.manifest.input.name]: input }, fetches);
    const read = (name: string | undefined) =>
      name === undefined ? undefined : (result[name]?.data as Float32Array | undefined);
    const embedding = read(this.manifest.embedding.output);
    if (!embedding) throw new Error("The model returned no embedding");
    return {
      embedding,
      features: wantFeatures ? read(this.manifest.features?.output) : undefined,
      probabilities: read(this.manifest.classifier?.output),
    };
  }

  /** Packs preprocessed images into one batch tensor and runs it. */
  async runBatch(images: Float32Array[], wantFeatures = false): Promise<EmbedOutputs> {
    return this.run(packImages(images), images.length, wantFeatures);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Preprocessed images laid end to end, as one batch. */
export function packImages(images: readonly Float32Array[]): Float32Array<ArrayBuffer> {
  const batch = new Float32Array(images.reduce((sum, image) => sum + image.length, 0));
  let at = 0;
  for (const image of images) {
    batch.set(image, at);
    at += image.length;
  }
  return batch;
}

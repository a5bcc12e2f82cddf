import os from "node:os";
import * as ort from "onnxruntime-node";
import type { ModelManifest } from "../../lib/model/manifest";

export type SessionSettings = {
  graphOptimizationLevel: "disabled" | "basic" | "extended" | "all";
  /** 0 = one per core (what the app does with ORT_THREADS=0). */
  threads: number;
};

/** An ONNX Runtime session with explicit settings, fed the way Embedder feeds the served model. */
export class VariantSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly manifest: ModelManifest,
  ) {}

  static async create(file: string, manifest: ModelManifest, settings: SessionSettings): Promise<VariantSession> {
    const session = await ort.InferenceSession.create(file, {
      graphOptimizationLevel: settings.graphOptimizationLevel,
      executionMode: "sequential",
      intraOpNumThreads: settings.threads || os.availableParallelism(),
      interOpNumThreads: 1,
    });
    return new VariantSession(session, manifest);
  }

  /** Embeddings [n, dim] of n images of height × width laid end to end (fetches what the app fetches). */
  async embed(pixels: Float32Array, n: number, height: number, width: number): Promise<Float32Array> {
    const fetches = [this.manifest.embedding.output];
    if (this.manifest.classifier) fetches.push(this.manifest.classifier.output);
    const input = new ort.Tensor("float32", pixels, [n, height, width, 3]);
    const out = await this.session.run({ [this.manifest.input.name]: input }, fetches);
    const embedding = out[this.manifest.embedding.output]?.data;
    if (!(embedding instanceof Float32Array)) throw new Error("no embedding output");
    return embedding;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Concatenates equally sized images into one batch buffer. */
export function packBatch(images: readonly Float32Array[]): Float32Array {
  const size = images[0]?.length ?? 0;
  const out = new Float32Array(size * images.length);
  images.forEach((img, i) => out.set(img, i * size));
  return out;
}

/** Mean cosine similarity between matching rows of two row-major matrices of unit-ish vectors. */
export function meanRowCosine(a: Float32Array, b: Float32Array, dim: number): number {
  const n = a.length / dim;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    let dot = 0, na = 0, nb = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) {
      dot += a[j]! * b[j]!;
      na += a[j]! * a[j]!;
      nb += b[j]! * b[j]!;
    }
    sum += dot / Math.max(Math.sqrt(na * nb), 1e-12);
  }
  return n === 0 ? Number.NaN : sum / n;
}

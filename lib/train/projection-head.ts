import { denseMatMul } from "./dense";
import { tf } from "./tf";
import { createRng } from "../random";
import type { HeadConfig, HeadWeights } from "./types";

function glorot(rows: number, cols: number, rng: () => number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (rows + cols));
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (rng() * 2 - 1) * limit;
  return tf.tensor2d(data, [rows, cols]);
}

/**
 * The trained part of the embedder: standardised backbone features →
 * (ReLU layer) → linear projection → L2-normalised embedding, plus a cosine
 * classifier over the labels that drives category-aware ranking.
 */
export class ProjectionHead {
  readonly variables: tf.Variable[];
  private readonly w1?: tf.Variable;
  private readonly b1?: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;
  private readonly wc: tf.Variable;

  constructor(
    readonly config: HeadConfig,
    seed: number,
  ) {
    const rng = createRng(seed);
    const { inputDim, hiddenDim, embedDim, numClasses } = config;
    const projIn = hiddenDim > 0 ? hiddenDim : inputDim;
    // Variables copy their initial values; tidy disposes the temporaries.
    const variable = (init: () => tf.Tensor, name: string) => tf.tidy(() => tf.variable(init(), true, name));
    if (hiddenDim > 0) {
      this.w1 = variable(() => glorot(inputDim, hiddenDim, rng), "w1");
      this.b1 = variable(() => tf.zeros([hiddenDim]), "b1");
    }
    this.w2 = variable(() => glorot(projIn, embedDim, rng), "w2");
    this.b2 = variable(() => tf.zeros([embedDim]), "b2");
    this.wc = variable(() => glorot(numClasses, embedDim, rng), "wc");
    this.variables = [this.w1, this.b1, this.w2, this.b2, this.wc].filter((v): v is tf.Variable => v !== undefined);
  }

  /** Embeddings (unit norm) and classifier logits for standardised inputs. */
  forward(x: tf.Tensor2D, dropout = 0, seed = 0): { embedding: tf.Tensor2D; logits: tf.Tensor2D } {
    return tf.tidy(() => {
      // Seeded dropout keeps training runs reproducible.
      let h: tf.Tensor2D = dropout > 0 ? (tf.dropout(x, dropout, undefined, seed) as tf.Tensor2D) : x;
      if (this.w1 && this.b1) {
        h = tf.relu(tf.add(denseMatMul(h, this.w1 as unknown as tf.Tensor2D), this.b1)) as tf.Tensor2D;
        if (dropout > 0) h = tf.dropout(h, dropout, undefined, seed + 1) as tf.Tensor2D;
      }
      const z = tf.add(denseMatMul(h, this.w2 as unknown as tf.Tensor2D), this.b2) as tf.Tensor2D;
      const embedding = l2Normalize(z);
      const prototypes = l2Normalize(this.wc as unknown as tf.Tensor2D);
      const logits = tf.mul(tf.matMul(embedding, prototypes, false, true), this.config.scale) as tf.Tensor2D;
      return { embedding, logits };
    });
  }

  /** Weight matrices that decay under AdamW (biases and prototypes do not). */
  get decayed(): tf.Variable[] {
    return [this.w1, this.w2].filter((v): v is tf.Variable => v !== undefined);
  }

  /** Copies the current values out, for checkpoints and export. */
  snapshot(mean: Float32Array, std: Float32Array): HeadWeights {
    const read = (v: tf.Variable | undefined) => (v ? Float32Array.from(v.dataSync() as Float32Array) : undefined);
    const prototypes = tf.tidy(() => l2Normalize(this.wc as unknown as tf.Tensor2D).dataSync() as Float32Array);
    return {
      config: this.config,
      mean,
      std,
      w1: read(this.w1),
      b1: read(this.b1),
      w2: read(this.w2)!,
      b2: read(this.b2)!,
      classWeights: Float32Array.from(prototypes),
    };
  }

  /** Restores values from a snapshot (the best checkpoint after early stopping). */
  restore(weights: HeadWeights): void {
    const { inputDim, hiddenDim, embedDim } = this.config;
    const set = (v: tf.Variable, value: tf.Tensor) => {
      v.assign(value);
      value.dispose();
    };
    if (this.w1 && this.b1 && weights.w1 && weights.b1) {
      set(this.w1, tf.tensor2d(weights.w1, [inputDim, hiddenDim]));
      set(this.b1, tf.tensor1d(weights.b1));
    }
    set(this.w2, tf.tensor2d(weights.w2, [hiddenDim > 0 ? hiddenDim : inputDim, embedDim]));
    set(this.b2, tf.tensor1d(weights.b2));
    set(this.wc, tf.tensor2d(weights.classWeights, [this.config.numClasses, embedDim]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Row-wise L2 normalisation. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), 1e-12)) as tf.Tensor2D);
}

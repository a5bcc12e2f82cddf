import { createRng } from "../../lib/random";

export type SyntheticOptions = {
  /** Real vectors to draw from, row-major. */
  source: Float32Array;
  dim: number;
  count: number;
  seed: number;
  /** Norm of the Gaussian noise added before normalising (the sources are unit vectors). */
  noise?: number;
  /** Smallest weight of the first source vector in a mixture (the weight is uniform in [minWeight, 1]). */
  minWeight?: number;
};

/**
 * Realistic synthetic vectors: each is a mixture α·a + (1−α)·b of two random
 * real vectors plus Gaussian noise, L2-normalised. They keep the catalog's
 * cluster structure (uniform random vectors would not, and make every index
 * look either perfect or useless).
 */
export function generateSyntheticVectors(options: SyntheticOptions): Float32Array {
  const { source, dim, count, seed } = options;
  const noise = options.noise ?? 0.3;
  const minWeight = options.minWeight ?? 0.6;
  const rows = source.length / dim;
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`source has ${source.length} floats, not a multiple of ${dim}`);
  const rng = createRng(seed);
  const gauss = gaussianSource(rng);
  const sigma = noise / Math.sqrt(dim);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const a = Math.floor(rng() * rows) * dim;
    const b = Math.floor(rng() * rows) * dim;
    const alpha = minWeight + (1 - minWeight) * rng();
    const o = i * dim;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const x = alpha * source[a + j]! + (1 - alpha) * source[b + j]! + sigma * gauss();
      out[o + j] = x;
      norm += x * x;
    }
    const inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
    for (let j = 0; j < dim; j++) out[o + j]! *= inv;
  }
  return out;
}

/** Standard normal draws (Box–Muller, both values used). */
function gaussianSource(rng: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = Math.max(rng(), 1e-12);
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

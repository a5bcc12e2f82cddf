import { AppError } from "../errors";
import { OrtScorer } from "../index/ort-scorer";

/**
 * Every item's nearest other items by cosine (exact, itself left out), computed once for a
 * catalog-wide report: row-major `rows` / `scores` of `n × k`, best first; a slot past the
 * catalog's end holds row -1. Byte-identical copies are kept: a report decides what they mean.
 */
export type NeighbourGraph = { n: number; k: number; rows: Int32Array; scores: Float32Array };

/** Queries scored per onnxruntime run: the bias input is batch × n floats (40K items: 40 MB). */
const BATCH = 256;

/**
 * The k nearest other items of every item, by one onnxruntime Gemm + TopK per batch of
 * queries over the stored vectors (the search scorer's kernel: a 40K catalog takes seconds,
 * where the JavaScript kernel takes minutes, docs/decisions/0019).
 */
export async function buildNeighbourGraph(
  vectors: Float32Array,
  dim: number,
  k: number,
  options: { threads?: number; onProgress?: (done: number) => void } = {},
): Promise<NeighbourGraph> {
  const n = vectors.length / dim;
  if (!Number.isInteger(n)) throw new AppError("internal", `Cannot read ${vectors.length} floats as rows of ${dim}`);
  const rows = new Int32Array(n * k).fill(-1);
  const scores = new Float32Array(n * k).fill(-Infinity);
  if (n < 2) return { n, k, rows, scores };
  const scorer = await OrtScorer.create(vectors, dim, { threads: options.threads });
  try {
    const bias = new Float32Array(Math.min(BATCH, n) * n);
    for (let q0 = 0; q0 < n; q0 += BATCH) {
      const m = Math.min(BATCH, n - q0);
      const view = bias.subarray(0, m * n);
      view.fill(0);
      // Leave-one-out: the item itself can never come back.
      for (let j = 0; j < m; j++) view[j * n + q0 + j] = -Infinity;
      const hits = await scorer.topK(vectors.subarray(q0 * dim, (q0 + m) * dim), m, Math.min(k, n - 1), view);
      hits.forEach((list, j) => {
        list.forEach((hit, slot) => {
          rows[(q0 + j) * k + slot] = hit.row;
          scores[(q0 + j) * k + slot] = hit.score;
        });
      });
      options.onProgress?.(q0 + m);
    }
  } finally {
    await scorer.release();
  }
  return { n, k, rows, scores };
}

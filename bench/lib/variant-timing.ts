import { FlatIndex } from "../../lib/index/flat-index";
import { computePrecisionAtK } from "../../lib/metrics/retrieval";
import type { ModelManifest } from "../../lib/model/manifest";
import { packBatch, VariantSession, type SessionSettings } from "./onnx-variant";
import { median } from "./stats";

/** One way to run a model: file, session settings, input geometry and batch size. */
export type Variant = {
  name: string;
  file: string;
  settings: SessionSettings;
  height: number;
  width: number;
  batch: number;
};

/** Median model time per image over the photos, and the embeddings produced ([n, dim], photo order). */
export async function timeVariant(v: Variant, manifest: ModelManifest, pixels: Float32Array[]): Promise<{ msPerImage: number; embeddings: Float32Array }> {
  const session = await VariantSession.create(v.file, manifest, v.settings);
  try {
    await session.embed(packBatch(pixels.slice(0, v.batch)), Math.min(v.batch, pixels.length), v.height, v.width); // warm-up
    const times: number[] = [];
    const parts: Float32Array[] = [];
    for (let i = 0; i < pixels.length; i += v.batch) {
      const chunk = pixels.slice(i, i + v.batch);
      const t0 = performance.now();
      const out = await session.embed(packBatch(chunk), chunk.length, v.height, v.width);
      times.push((performance.now() - t0) / chunk.length);
      parts.push(Float32Array.from(out));
    }
    // Not packBatch: the last batch may be shorter than the others.
    const embeddings = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) embeddings.set(p, (offset += p.length) - p.length);
    return { msPerImage: median(times), embeddings };
  } finally {
    await session.dispose();
  }
}

/**
 * Two variants timed in alternation, `rounds` times: the median of the per-round ratios
 * (a's time / b's time), robust to load that shifts between rounds on a shared machine.
 */
export async function timePaired(a: Variant, b: Variant, manifest: ModelManifest, pixels: Float32Array[], rounds: number): Promise<{ ratio: number; ratios: number[] }> {
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ta = await timeVariant(a, manifest, pixels);
    const tb = await timeVariant(b, manifest, pixels);
    ratios.push(ta.msPerImage / tb.msPerImage);
  }
  return { ratio: median(ratios), ratios };
}

/** Each subset photo's top-k rows among the others (itself excluded), by cosine on `embeddings`. */
export function subsetTopK(embeddings: Float32Array, dim: number, n: number, k: number): number[][] {
  const index = new FlatIndex(dim, Array.from({ length: n }, (_, i) => String(i)), embeddings);
  return index.searchBatch(embeddings, n, k, { exclude: Array.from({ length: n }, (_, i) => [i]) }).map((list) => list.map((h) => h.row));
}

/** Each subset photo's top 10 among the others. */
export function subsetTop10(embeddings: Float32Array, dim: number, n: number): number[][] {
  return subsetTopK(embeddings, dim, n, 10);
}

/** P@5 within the subset: each photo queries the others (itself excluded), relevant = same label. */
export function subsetPAt5(embeddings: Float32Array, dim: number, labels: readonly string[]): number {
  const lists = subsetTopK(embeddings, dim, labels.length, 5);
  return lists.reduce((s, list, q) => s + computePrecisionAtK(list.map((row) => labels[row] === labels[q]), 5), 0) / labels.length;
}

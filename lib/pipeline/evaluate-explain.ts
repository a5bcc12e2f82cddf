import { promises as fs } from "node:fs";
import type { CatalogItem } from "../catalog/types";
import type { Config } from "../config";
import { Embedder } from "../embed/embedder";
import { descriptorWithout, explainAgainst, topCells } from "../explain/cell-contributions";
import { ExplainModel } from "../explain/explain-model";
import { maskCells } from "../explain/mask-cells";
import { normalisePixels, preprocessImage } from "../image/preprocess";
import type { EvalResult } from "../metrics/report";
import { createProgress, type ProgressSink } from "../progress";
import { createRng, shuffleInPlace } from "../random";
import { createSearchService } from "../search/search-service";
import { sampleStratified } from "./evaluate-scenes";

export type ExplainProtocolOptions = {
  split: "val" | "test";
  /** (query, top result) pairs explained; each gives two explained photos. */
  pairs: number;
  seed: number;
  /** Share of the cells masked (default 0.2). */
  share?: number;
  /** Also mask the same cells with the preprocessing mean (two more model runs per photo). */
  meanFill?: boolean;
  progress?: ProgressSink;
};

/** Mean drops of the served-embedding cosine when masking each photo's top-scored vs random cells. */
export type ExplainMeasures = {
  pairs: number;
  photos: number;
  cellsMasked: number;
  cells: number;
  topDrop: number;
  randomDrop: number;
  /** topDrop / randomDrop; the bar is 2. */
  ratio: number;
  pass: boolean;
  /** Photos whose top-cell drop exceeds their random-cell drop. */
  topBeatsRandom: number;
  bySide: Record<"query" | "result", { topDrop: number; randomDrop: number }>;
  /** The same cells masked other ways: the preprocessing mean (a dark grey block), and zeroed in feature space. */
  otherMasks: { meanFill?: { topDrop: number; randomDrop: number; ratio: number }; featureZero: { topDrop: number; randomDrop: number; ratio: number } };
  meanSimilarity: number;
};

/** How the chosen cells are masked: filled with the studio background (the headline), with the preprocessing mean, or zeroed in feature space. */
const maskings = ["background", "mean", "feature"] as const;
type Masking = (typeof maskings)[number];

const cos = (a: Float32Array, b: Float32Array, offset = 0) => {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += a[offset + i]! * b[i]!;
  return s;
};

/**
 * The faithfulness protocol of the "why similar" heat-maps: `pairs` seeded `split` products
 * (stratified by label), each paired with its top result (the nearest other product by the
 * stored vectors, identical photos skipped). Both photos are explained against each other; then,
 * in pixel space, the top-scored `share` of a photo's cells, or as many random cells (seeded), are
 * filled with the studio background, and the served model re-embeds it. The drop of the cosine to
 * the other photo's unmasked embedding is averaged over every photo; the heat-maps pass when the
 * top cells' mean drop is at least twice the random cells'. The same cells filled with the
 * preprocessing mean, and zeroed in feature space, are reported beside it.
 */
export async function evaluateExplanations(config: Config, options: ExplainProtocolOptions): Promise<{ section: EvalResult; measures: ExplainMeasures }> {
  const share = options.share ?? 0.2;
  const service = await createSearchService(config);
  const { model } = service;
  const limits = { maxPixels: config.MAX_IMAGE_PIXELS };
  const [explainer, embedder] = await Promise.all([
    ExplainModel.create(config.MODELS_DIR, model, { threads: config.ORT_THREADS }),
    Embedder.create(config.MODELS_DIR, model, { threads: config.ORT_THREADS }),
  ]);
  const candidates = service.items.filter((item) => item.split === options.split && !item.blank);
  const sample = sampleStratified(candidates, options.pairs, options.seed);
  const rng = createRng(options.seed ^ 0x5eed);
  const size = model.preprocess;
  const drops = Object.fromEntries(maskings.map((m) => [m, { query: { top: [] as number[], random: [] as number[] }, result: { top: [] as number[], random: [] as number[] } }])) as Record<
    Masking,
    Record<"query" | "result", { top: number[]; random: number[] }>
  >;
  // The studio background (the letterbox fill too: what the model sees where there is nothing), normalised.
  const background = Array.from(normalisePixels(Uint8Array.from(model.preprocess.background), model.preprocess)) as [number, number, number];
  const similarities: number[] = [];
  let cellsMasked = 0;
  let cells = 0;
  const progress = createProgress({ label: "explained pairs", total: sample.length, unit: "pair", sink: options.progress });
  try {
    for (const query of sample) {
      const result = await topResultOf(service, query);
      if (!result) continue;
      const photos = await Promise.all([query, result].map(async (item) => preprocessImage(await fs.readFile(service.imageFile(item.id).path), model.preprocess, limits)));
      const [q, r] = await explainer.run(concat(photos), 2);
      if (!q || !r) continue;
      const sides = [
        { name: "query" as const, pixels: photos[0]!, explained: await explainAgainst(q.maps, r.embedding, explainer.embedDescriptors), other: r.embedding },
        { name: "result" as const, pixels: photos[1]!, explained: await explainAgainst(r.maps, q.embedding, explainer.embedDescriptors), other: q.embedding },
      ];
      similarities.push(sides[0]!.explained.similarity);
      const masked: Float32Array[] = [];
      const zeroed: Float32Array[] = [];
      for (const side of sides) {
        const { grid, contributions } = side.explained;
        const top = topCells(contributions, share);
        const random = shuffleInPlace(Array.from({ length: contributions.length }, (_, i) => i), rng).slice(0, top.length);
        const fills: [number, number, number][] = options.meanFill ? [background, [0, 0, 0]] : [background];
        for (const fill of fills) masked.push(maskCells(side.pixels, size, grid, top, fill), maskCells(side.pixels, size, grid, random, fill));
        const maps = side.name === "query" ? q.maps : r.maps;
        zeroed.push(descriptorWithout(maps, top), descriptorWithout(maps, random));
        cellsMasked = top.length;
        cells = contributions.length;
      }
      // The served model itself (its own session, not the explain one) embeds the masked photos.
      const { embedding } = await embedder.run(concat(masked), masked.length);
      const featureEmbedding = await explainer.embedDescriptors(concat(zeroed), zeroed.length);
      const dim = model.embedding.dim;
      sides.forEach((side, s) => {
        const similarity = side.explained.similarity;
        const record = (masking: Masking, from: Float32Array, row: number) => {
          drops[masking][side.name].top.push(similarity - cos(from, side.other, row * dim));
          drops[masking][side.name].random.push(similarity - cos(from, side.other, (row + 1) * dim));
        };
        const perSide = options.meanFill ? 4 : 2;
        record("background", embedding, perSide * s);
        if (options.meanFill) record("mean", embedding, perSide * s + 2);
        record("feature", featureEmbedding, 2 * s);
      });
      progress?.advance();
    }
  } finally {
    progress?.finish();
    await Promise.all([explainer.dispose(), embedder.dispose()]);
  }
  const pooled = (masking: Masking) => {
    const { query, result } = drops[masking];
    const top = [...query.top, ...result.top];
    const random = [...query.random, ...result.random];
    const topDrop = mean(top);
    const randomDrop = mean(random);
    return { top, random, topDrop, randomDrop, ratio: randomDrop > 0 ? topDrop / randomDrop : Number.POSITIVE_INFINITY };
  };
  const main = pooled("background");
  const summary = (masking: Masking) => {
    const { topDrop, randomDrop, ratio } = pooled(masking);
    return { topDrop, randomDrop, ratio };
  };
  const measures: ExplainMeasures = {
    pairs: similarities.length,
    photos: main.top.length,
    cellsMasked,
    cells,
    topDrop: main.topDrop,
    randomDrop: main.randomDrop,
    ratio: main.ratio,
    pass: main.ratio >= 2,
    topBeatsRandom: main.top.filter((d, i) => d > main.random[i]!).length,
    bySide: {
      query: { topDrop: mean(drops.background.query.top), randomDrop: mean(drops.background.query.random) },
      result: { topDrop: mean(drops.background.result.top), randomDrop: mean(drops.background.result.random) },
    },
    otherMasks: { ...(options.meanFill ? { meanFill: summary("mean") } : {}), featureZero: summary("feature") },
    meanSimilarity: mean(similarities),
  };
  return { section: toSection(measures, options, model.name, model.id, share), measures };
}

/** The nearest other product by the stored vectors, skipping byte-identical photos (a copy explains nothing). */
async function topResultOf(service: Awaited<ReturnType<typeof createSearchService>>, query: CatalogItem): Promise<CatalogItem | undefined> {
  const entry = await service.getEntry(query.id);
  if (!entry) return undefined;
  const hits = await service.nearest(entry.vector, { k: 10, excludeIds: [query.id] });
  return hits.find((hit) => hit.item.imageHash !== query.imageHash && !hit.item.blank)?.item;
}

function toSection(m: ExplainMeasures, options: ExplainProtocolOptions, name: string, id: string, share: number): EvalResult {
  const f = (v: number) => v.toFixed(4);
  return {
    title: `Why similar: heat-map faithfulness (${options.split} split)`,
    facts: {
      model: `${name} (${id}); heat-map = per-cell occlusion of the served descriptor's pre-pool maps (7×6 last-stage cells), contributions to the cosine of the two served embeddings`,
      pairs: `${m.pairs} (query, top result) pairs: seeded ${options.split} products (stratified by label, seed ${options.seed}), each with its nearest other product by the stored vectors (identical photos skipped); ${m.photos} explained photos (both sides)`,
      masking: `pixel space: the top-scored ${m.cellsMasked} of ${m.cells} cells (${Math.round(share * 100)}%) vs as many random cells (seeded), filled with the studio background (the letterbox fill: white); re-embedded by the served model; drop = cosine to the other photo's unmasked embedding, before − after`,
      "mean drop, top cells": f(m.topDrop),
      "mean drop, random cells": f(m.randomDrop),
      "ratio (bar: ≥ 2)": `${m.ratio.toFixed(2)} — ${m.pass ? "PASS" : "FAIL"}`,
      "photos where top beats random": `${m.topBeatsRandom}/${m.photos}`,
      "by side (top / random)": `query ${f(m.bySide.query.topDrop)} / ${f(m.bySide.query.randomDrop)}; result ${f(m.bySide.result.topDrop)} / ${f(m.bySide.result.randomDrop)}`,
      ...(m.otherMasks.meanFill
        ? { "same cells, mean fill (dark grey block)": `top ${f(m.otherMasks.meanFill.topDrop)} / random ${f(m.otherMasks.meanFill.randomDrop)}, ratio ${m.otherMasks.meanFill.ratio.toFixed(2)}` }
        : {}),
      "same cells, zeroed in feature space": `top ${f(m.otherMasks.featureZero.topDrop)} / random ${f(m.otherMasks.featureZero.randomDrop)}, ratio ${m.otherMasks.featureZero.ratio.toFixed(2)}`,
      "mean cosine of the pairs": f(m.meanSimilarity),
    },
    variants: [],
  };
}

function concat(images: readonly Float32Array[]): Float32Array {
  const size = images[0]?.length ?? 0;
  const out = new Float32Array(size * images.length);
  images.forEach((image, i) => out.set(image, i * size));
  return out;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

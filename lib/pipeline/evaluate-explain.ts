import { promises as fs } from "node:fs";
import type { CatalogItem } from "../catalog/types";
import type { Config } from "../config";
import { Embedder } from "../embed/embedder";
import { descriptorWithout, explainAgainst, topCells } from "../explain/cell-contributions";
import { ExplainModel } from "../explain/explain-model";
import { backgroundFill, maskCells, type CellFill } from "../explain/mask-cells";
import { occludeCells } from "../explain/pixel-occlusion";
import { preprocessImage } from "../image/preprocess";
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
  /** Also mask the same cells with the preprocessing mean (more model runs per photo). */
  meanFill?: boolean;
  /** Only pairs [from, to) of the seeded sample: slices run in parallel and merged (mergeExplainSamples) give the whole run's numbers. */
  slice?: { from: number; to: number };
  progress?: ProgressSink;
};

/** Mean drops of the served-embedding cosine when masking a photo's top-scored vs random cells. */
export type MaskDrops = { topDrop: number; randomDrop: number; ratio: number };

/** How cells are scored: pixel-space occlusion (the served heat-map) or feature-space zeroing (the first method, for comparison). */
const scorings = ["pixel", "feature"] as const;
type Scoring = (typeof scorings)[number];
/** How the chosen cells are masked in the test: the model's background in pixel space (the headline), the preprocessing mean, or zeroed in feature space. */
const maskings = ["background", "mean", "feature"] as const;
type Masking = (typeof maskings)[number];

export type ExplainMeasures = {
  pairs: number;
  photos: number;
  cellsMasked: number;
  cells: number;
  /** The headline: pixel-occlusion heat-maps, cells masked with the background in pixel space. */
  topDrop: number;
  randomDrop: number;
  /** topDrop / randomDrop; the bar is 2. */
  ratio: number;
  pass: boolean;
  /** Photos whose top-cell drop exceeds their random-cell drop (headline). */
  topBeatsRandom: number;
  bySide: Record<"query" | "result", { topDrop: number; randomDrop: number }>;
  /** Every scoring × masking (the same random cells for both scorings); `mean` only with meanFill. */
  byMethod: Record<Scoring, Partial<Record<Masking, MaskDrops>>>;
  /** Cells per photo that pixel occlusion re-embedded (the rest already held the background). */
  meanCellsEmbedded: number;
  /** Largest |explain session − served session| over the unmasked embeddings: the scoring's maps come from the served graph. */
  maxEmbeddingDiff: number;
  meanSimilarity: number;
  seconds: number;
  slices: number;
};

const cos = (a: Float32Array, b: Float32Array, offset = 0) => {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += a[offset + i]! * b[i]!;
  return s;
};

type Side = "query" | "result";
type Samples = Record<Side, { top: number[]; random: number[] }>;

/** Every photo's drops, in sample order: what a run (or a slice of one) measures before it is summarised. */
export type ExplainSamples = {
  model: { name: string; id: string };
  split: "val" | "test";
  seed: number;
  drops: Record<Scoring, Record<Masking, Samples>>;
  similarities: number[];
  embeddedCells: number[];
  maxEmbeddingDiff: number;
  cellsMasked: number;
  cells: number;
  meanFill: boolean;
  /** Wall seconds, added up over the slices merged (1 for a run of its own). */
  seconds: number;
  slices: number;
};

/**
 * The faithfulness protocol of the "why similar" heat-maps: `pairs` seeded `split` products
 * (stratified by label), each paired with its top result (the nearest other product by the
 * stored vectors, identical photos skipped). Both photos are scored against each other by
 * pixel-space occlusion through the served model (the served heat-map) and, for comparison,
 * by feature-space zeroing; then the top-scored `share` of a photo's cells, or as many random
 * cells (seeded, the same for both scorings), are masked exactly as the scoring masks them
 * (maskCells with the model's background) and the served model re-embeds the photo. The drop of
 * the cosine to the other photo's unmasked embedding is averaged over every photo; the heat-maps
 * pass when the top cells' mean drop is at least twice the random cells'. The same cells zeroed
 * in feature space (and with `meanFill`, filled with the preprocessing mean) are reported beside it.
 */
export async function evaluateExplanations(config: Config, options: ExplainProtocolOptions): Promise<{ section: EvalResult; measures: ExplainMeasures; samples: ExplainSamples }> {
  const samples = await collectExplainSamples(config, options);
  return { ...summariseExplainSamples(samples, options), samples };
}

/** Runs the protocol (or options.slice of it) and returns every photo's drops. */
export async function collectExplainSamples(config: Config, options: ExplainProtocolOptions): Promise<ExplainSamples> {
  const started = performance.now();
  const share = options.share ?? 0.2;
  const service = await createSearchService(config);
  const { model } = service;
  const limits = { maxPixels: config.MAX_IMAGE_PIXELS };
  const [explainer, embedder] = await Promise.all([
    ExplainModel.create(config.MODELS_DIR, model, { threads: config.ORT_THREADS }),
    Embedder.create(config.MODELS_DIR, model, { threads: config.ORT_THREADS }),
  ]);
  const candidates = service.items.filter((item) => item.split === options.split && !item.blank);
  const whole = sampleStratified(candidates, options.pairs, options.seed);
  const from = options.slice?.from ?? 0;
  const sample = whole.slice(from, options.slice?.to ?? whole.length);
  const size = model.preprocess;
  const dim = model.embedding.dim;
  const samples = (): Record<Masking, Samples> => ({ background: emptySamples(), mean: emptySamples(), feature: emptySamples() });
  const drops: Record<Scoring, Record<Masking, Samples>> = { pixel: samples(), feature: samples() };
  const fills: Partial<Record<Masking, CellFill>> = { background: backgroundFill(model.preprocess), ...(options.meanFill ? { mean: [0, 0, 0] as const } : {}) };
  const pixelMaskings = Object.keys(fills) as Masking[];
  // The served model itself (its own session) embeds every masked photo: the scoring's and the test's.
  const embedServed = async (pixels: Float32Array, n: number) => (await embedder.run(pixels, n)).embedding;
  const similarities: number[] = [];
  const embeddedCells: number[] = [];
  let maxEmbeddingDiff = 0;
  let cellsMasked = 0;
  let cells = 0;
  const progress = createProgress({ label: "explained pairs", total: sample.length, unit: "pair", sink: options.progress });
  try {
    for (const [offset, query] of sample.entries()) {
      // Each pair's random cells from its own seed: a slice draws what the whole run draws.
      const rng = createRng((options.seed ^ 0x5eed) + 7919 * (from + offset));
      const result = await topResultOf(service, query);
      if (!result) continue;
      const photos = await Promise.all([query, result].map(async (item) => preprocessImage(await fs.readFile(service.imageFile(item.id).path), model.preprocess, limits)));
      const [q, r] = await explainer.run(concat(photos), 2);
      const served = await embedServed(concat(photos), 2);
      if (!q || !r) continue;
      for (let i = 0; i < 2 * dim; i++) maxEmbeddingDiff = Math.max(maxEmbeddingDiff, Math.abs((i < dim ? q.embedding[i]! : r.embedding[i - dim]!) - served[i]!));
      const grid = { rows: q.maps.last.rows, cols: q.maps.last.cols };
      const sides = [
        { name: "query" as const, pixels: photos[0]!, maps: q.maps, embedding: q.embedding, other: r.embedding },
        { name: "result" as const, pixels: photos[1]!, maps: r.maps, embedding: r.embedding, other: q.embedding },
      ];
      for (const side of sides) {
        const pixel = await occludeCells(side.pixels, size, grid, fills.background!, side.embedding, side.other, embedServed);
        const feature = await explainAgainst(side.maps, side.other, explainer.embedDescriptors);
        embeddedCells.push(pixel.embedded);
        const similarity = pixel.similarity;
        if (side.name === "query") similarities.push(similarity);
        cells = pixel.contributions.length;
        const chosen = { pixel: topCells(pixel.contributions, share), feature: topCells(feature.contributions, share) };
        cellsMasked = chosen.pixel.length;
        const random = shuffleInPlace(Array.from({ length: cells }, (_, i) => i), rng).slice(0, cellsMasked);
        // One batch: for each pixel masking, [pixel top, feature top, random].
        const masked = pixelMaskings.flatMap((m) => [chosen.pixel, chosen.feature, random].map((set) => maskCells(side.pixels, size, grid, set, fills[m])));
        const embedded = await embedServed(concat(masked), masked.length);
        const zeroed = await explainer.embedDescriptors(concat([chosen.pixel, chosen.feature, random].map((set) => descriptorWithout(side.maps, set))), 3);
        const record = (masking: Masking, from: Float32Array, row: number) => {
          for (const [s, scoring] of scorings.entries()) drops[scoring][masking][side.name].top.push(similarity - cos(from, side.other, (row + s) * dim));
          const randomDrop = similarity - cos(from, side.other, (row + 2) * dim);
          for (const scoring of scorings) drops[scoring][masking][side.name].random.push(randomDrop);
        };
        pixelMaskings.forEach((m, i) => record(m, embedded, 3 * i));
        record("feature", zeroed, 0);
      }
      progress?.advance();
    }
  } finally {
    progress?.finish();
    await Promise.all([explainer.dispose(), embedder.dispose()]);
  }
  return { model: { name: model.name, id: model.id }, split: options.split, seed: options.seed, drops, similarities, embeddedCells, maxEmbeddingDiff, cellsMasked, cells, meanFill: options.meanFill ?? false, seconds: (performance.now() - started) / 1000, slices: 1 };
}

/** Slices of one run, in order, as one run (their seconds added up). */
export function mergeExplainSamples(parts: readonly ExplainSamples[]): ExplainSamples {
  const first = parts[0];
  if (!first) throw new Error("Nothing to merge");
  const join = (pick: (s: ExplainSamples) => number[]) => parts.flatMap(pick);
  const joinSamples = (scoring: Scoring, masking: Masking): Samples => ({
    query: { top: join((p) => p.drops[scoring][masking].query.top), random: join((p) => p.drops[scoring][masking].query.random) },
    result: { top: join((p) => p.drops[scoring][masking].result.top), random: join((p) => p.drops[scoring][masking].result.random) },
  });
  const all = (scoring: Scoring) => ({ background: joinSamples(scoring, "background"), mean: joinSamples(scoring, "mean"), feature: joinSamples(scoring, "feature") });
  if (parts.some((p) => p.model.id !== first.model.id || p.split !== first.split || p.seed !== first.seed)) throw new Error("The slices were measured with different models, splits or seeds");
  return {
    model: first.model,
    split: first.split,
    seed: first.seed,
    drops: { pixel: all("pixel"), feature: all("feature") },
    similarities: join((p) => p.similarities),
    embeddedCells: join((p) => p.embeddedCells),
    maxEmbeddingDiff: Math.max(...parts.map((p) => p.maxEmbeddingDiff)),
    cellsMasked: first.cellsMasked,
    cells: first.cells,
    meanFill: parts.every((p) => p.meanFill),
    seconds: parts.reduce((sum, p) => sum + p.seconds, 0),
    slices: parts.reduce((sum, p) => sum + p.slices, 0),
  };
}

/** The protocol's measures and report section from every photo's drops. */
export function summariseExplainSamples(samples: ExplainSamples, options: ExplainProtocolOptions): { section: EvalResult; measures: ExplainMeasures } {
  const share = options.share ?? 0.2;
  const { drops } = samples;
  const pooled = (scoring: Scoring, masking: Masking) => {
    const { query, result } = drops[scoring][masking];
    const top = [...query.top, ...result.top];
    const random = [...query.random, ...result.random];
    const topDrop = mean(top);
    const randomDrop = mean(random);
    return { top, random, drops: { topDrop, randomDrop, ratio: randomDrop > 0 ? topDrop / randomDrop : Number.POSITIVE_INFINITY } };
  };
  const main = pooled("pixel", "background");
  const used: Masking[] = samples.meanFill ? ["background", "mean", "feature"] : ["background", "feature"];
  const byMethod = Object.fromEntries(scorings.map((s) => [s, Object.fromEntries(used.map((m) => [m, pooled(s, m).drops]))])) as ExplainMeasures["byMethod"];
  const sideDrops = (side: Side) => ({ topDrop: mean(drops.pixel.background[side].top), randomDrop: mean(drops.pixel.background[side].random) });
  const measures: ExplainMeasures = {
    pairs: samples.similarities.length,
    photos: main.top.length,
    cellsMasked: samples.cellsMasked,
    cells: samples.cells,
    ...main.drops,
    pass: main.drops.ratio >= 2,
    topBeatsRandom: main.top.filter((d, i) => d > main.random[i]!).length,
    bySide: { query: sideDrops("query"), result: sideDrops("result") },
    byMethod,
    meanCellsEmbedded: mean(samples.embeddedCells),
    maxEmbeddingDiff: samples.maxEmbeddingDiff,
    meanSimilarity: mean(samples.similarities),
    seconds: samples.seconds,
    slices: samples.slices,
  };
  return { section: toSection(measures, options, samples.model.name, samples.model.id, share), measures };
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
  const drops = (d: MaskDrops | undefined) => (d ? `top ${f(d.topDrop)} / random ${f(d.randomDrop)}, ratio ${d.ratio.toFixed(2)}` : "not run");
  return {
    title: `Why similar: heat-map faithfulness (${options.split} split)`,
    facts: {
      model: `${name} (${id}); heat-map = pixel-space occlusion: each of the ${m.cells} cells (7×6 blocks of the model input) filled with the model's background (white), the photo re-embedded by the served model, scored by the cosine to the other photo's embedding it takes away`,
      pairs: `${m.pairs} (query, top result) pairs: seeded ${options.split} products (stratified by label, seed ${options.seed}), each with its nearest other product by the stored vectors (identical photos skipped); ${m.photos} explained photos (both sides)`,
      masking: `the same masking as the scoring (maskCells, the background fill): the top-scored ${m.cellsMasked} of ${m.cells} cells (${Math.round(share * 100)}%) vs as many random cells (seeded), masked together; re-embedded by the served model; drop = cosine to the other photo's unmasked embedding, before − after`,
      "mean drop, top cells": f(m.topDrop),
      "mean drop, random cells": f(m.randomDrop),
      "ratio (bar: ≥ 2)": `${m.ratio.toFixed(2)} — ${m.pass ? "PASS" : "FAIL"}`,
      "photos where top beats random": `${m.topBeatsRandom}/${m.photos}`,
      "by side (top / random)": `query ${f(m.bySide.query.topDrop)} / ${f(m.bySide.query.randomDrop)}; result ${f(m.bySide.result.topDrop)} / ${f(m.bySide.result.randomDrop)}`,
      "pixel-occlusion cells, zeroed in feature space": drops(m.byMethod.pixel.feature),
      "feature-zeroing cells (the first method), background in pixel space": drops(m.byMethod.feature.background),
      "feature-zeroing cells, zeroed in feature space": drops(m.byMethod.feature.feature),
      ...(m.byMethod.pixel.mean ? { "mean fill (dark grey block), pixel / feature cells": `${drops(m.byMethod.pixel.mean)}; ${drops(m.byMethod.feature.mean)}` } : {}),
      "cells re-embedded per photo": `${m.meanCellsEmbedded.toFixed(1)} of ${m.cells} (the others already held the background)`,
      "explain session vs served session": `max |Δ embedding| ${m.maxEmbeddingDiff.toExponential(1)}`,
      "mean cosine of the pairs": f(m.meanSimilarity),
      cost: `${(m.seconds / 60).toFixed(1)} min${m.slices > 1 ? `, added up over ${m.slices} slices run side by side` : ""} (${(m.seconds / Math.max(1, m.pairs)).toFixed(1)} s a pair)`,
    },
    variants: [],
  };
}

function emptySamples(): Samples {
  return { query: { top: [], random: [] }, result: { top: [], random: [] } };
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

import type { CatalogItem, SplitName } from "../catalog/types";
import { buildNeighbourGraph, type NeighbourGraph } from "../live/neighbour-graph";
import { calibrateItemProbabilities, rankSuspects, suspectScorings, type SuspectOptions, type SuspectScoring } from "../live/mislabel-suspects";
import { indexDimOf, resolveServedModel } from "../model/manifest";
import { createRng } from "../random";
import { labelColumnOf } from "../search/category-ranker";
import { EmbeddedStore } from "../vector-store/embedded/embedded-store";
import type { ItemFeatureOptions } from "./item-features";
import { loadItemProbabilities } from "./item-probabilities";

/** Neighbours kept per item: the voters plus room for the byte-identical copies that never vote. */
export const SUSPECT_GRAPH_K = 32;

export type FlipOptions = {
  /** Labels flipped. */
  count: number;
  seed: number;
  /** Splits whose items may be flipped: never the classifier's training split, which it has seen. */
  splits: readonly SplitName[];
  /** The catalog column the labels come from (articleType): flipped along with `label`. */
  labelColumn: keyof CatalogItem;
  /** Labels a flip may go from and to (the classifier's). */
  labels: readonly string[];
};

export type FlippedCatalog = { items: CatalogItem[]; flipped: Map<string, { from: string; to: string }> };

/**
 * A copy of the catalog with `count` labels deliberately flipped (seeded): each to another
 * label of the same masterCategory, drawn in proportion to that label's size there, so the
 * common confusions (Tshirts ↔ Shirts, Casual ↔ Sports Shoes) come up as often as the data
 * set has them. Only items of `splits`, with a known label, a photo that is not blank and a
 * masterCategory holding at least two known labels are flipped.
 */
export function flipLabels(items: readonly CatalogItem[], options: FlipOptions): FlippedCatalog {
  const known = new Set(options.labels);
  const sizes = new Map<string, Map<string, number>>();
  for (const item of items) {
    if (!known.has(item.label)) continue;
    const byLabel = sizes.get(item.masterCategory) ?? new Map<string, number>();
    byLabel.set(item.label, (byLabel.get(item.label) ?? 0) + 1);
    sizes.set(item.masterCategory, byLabel);
  }
  const eligible = items.flatMap((item, row) =>
    options.splits.includes(item.split) && known.has(item.label) && !item.blank && (sizes.get(item.masterCategory)?.size ?? 0) >= 2 ? [row] : [],
  );
  const random = createRng(options.seed);
  // A partial Fisher–Yates shuffle: the first `count` rows are a uniform sample.
  const count = Math.min(options.count, eligible.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (eligible.length - i));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  const out = items.slice();
  const flipped = new Map<string, { from: string; to: string }>();
  for (const row of eligible.slice(0, count)) {
    const item = items[row]!;
    const others = [...sizes.get(item.masterCategory)!].filter(([label]) => label !== item.label);
    const total = others.reduce((sum, [, n]) => sum + n, 0);
    let pick = random() * total;
    let to = others[others.length - 1]![0];
    for (const [label, n] of others) {
      pick -= n;
      if (pick < 0) {
        to = label;
        break;
      }
    }
    out[row] = { ...item, label: to, [options.labelColumn]: to };
    flipped.set(item.id, { from: item.label, to });
  }
  return { items: out, flipped };
}

/** How many flipped labels the ranking put among its first `top` suspects, and how often it suggested the true label. */
export type SuspectRecall = {
  scoring: SuspectScoring;
  k: number;
  flips: number;
  top: number;
  found: number;
  recall: number;
  /** Of those found, the share whose suggested label is the one before the flip. */
  suggestedTrue: number;
  /** Among the first `top`: suspects that are not flips (real label noise or model errors). */
  others: number;
};

/** Ranks the flipped catalog's suspects and measures recall of the flips among the first `top`. */
export function measureSuspectRecall(
  base: { graph: NeighbourGraph; probabilities?: Float32Array; labels: readonly string[] },
  flippedCatalog: FlippedCatalog,
  options: SuspectOptions,
  top: number,
): SuspectRecall {
  const ranked = rankSuspects({ ...base, items: flippedCatalog.items }, options).slice(0, top);
  const found = ranked.filter((s) => flippedCatalog.flipped.has(s.id));
  const right = found.filter((s) => flippedCatalog.flipped.get(s.id)!.from === s.suggested).length;
  const flips = flippedCatalog.flipped.size;
  return {
    scoring: options.scoring,
    k: options.k,
    flips,
    top,
    found: found.length,
    recall: flips === 0 ? 0 : found.length / flips,
    suggestedTrue: found.length === 0 ? 0 : right / found.length,
    others: ranked.length - found.length,
  };
}

export type SuspectProtocolInput = {
  items: CatalogItem[];
  graph: NeighbourGraph;
  probabilities?: Float32Array;
  labels: readonly string[];
  labelColumn: keyof CatalogItem;
  temperature: number;
};

export type SuspectProtocolReport = {
  catalog: { items: number; labels: number; classifier: boolean };
  protocol: string;
  /** Every scoring and k on validation flips; the best is chosen there. */
  choice: SuspectRecall[];
  chosen: { scoring: SuspectScoring; k: number };
  /** The same on test flips (other items, other seed), reported. */
  test: SuspectRecall[];
  /** The chosen rule on test flips over several seeds. */
  seeds: SuspectRecall[];
};

/** Neighbour counts tried on validation flips. */
const VOTE_KS = [5, 10, 20] as const;

/**
 * The flipped-label protocol: `flips` labels flipped on validation items (seed 1) choose the
 * scoring and k by recall among the first `top` suspects; the choice is then measured on
 * test items (seeds 2..6). The classifier never trained on either split.
 */
export function runSuspectProtocol(input: SuspectProtocolInput, flips: number, top: number): SuspectProtocolReport {
  const base = { graph: input.graph, probabilities: input.probabilities, labels: input.labels };
  const flip = (splits: SplitName[], seed: number) => flipLabels(input.items, { count: flips, seed, splits, labelColumn: input.labelColumn, labels: input.labels });
  const val = flip(["val"], 1);
  const choice = VOTE_KS.flatMap((k) => suspectScorings.map((scoring) => measureSuspectRecall(base, val, { k, scoring, temperature: input.temperature }, top)));
  const best = choice.reduce((a, b) => (b.recall > a.recall ? b : a));
  const test = flip(["test"], 2);
  const testRows = suspectScorings.map((scoring) => measureSuspectRecall(base, test, { k: best.k, scoring, temperature: input.temperature }, top));
  const seeds = [2, 3, 4, 5, 6].map((seed) => measureSuspectRecall(base, flip(["test"], seed), { k: best.k, scoring: best.scoring, temperature: input.temperature }, top));
  return {
    catalog: { items: input.items.length, labels: input.labels.length, classifier: input.probabilities !== undefined },
    protocol: `${flips} labels flipped (val: seed 1; test: seeds 2–6), each to another label of its masterCategory drawn by that label's size; recall = flips among the first ${top} suspects`,
    choice,
    chosen: { scoring: best.scoring, k: best.k },
    test: testRows,
    seeds,
  };
}

/**
 * The protocol's input from a built catalog and the served model: the live records and
 * vectors (change log applied), the classifier's probabilities of every photo and the
 * neighbour graph. Also returns how long each part took.
 */
export async function loadSuspectInput(options: ItemFeatureOptions): Promise<{ input: SuspectProtocolInput; seconds: Record<string, number> }> {
  const cpu = () => process.cpuUsage().user / 1e6;
  const t0 = performance.now();
  const c0 = cpu();
  const model = await resolveServedModel(options.modelsDir);
  const store = await EmbeddedStore.open(options.catalogDir, { id: model.id, dim: indexDimOf(model) });
  const { items, vectors } = store.snapshot();
  await store.close();
  const t1 = performance.now();
  const c1 = cpu();
  const loaded = await loadItemProbabilities(options, model, items);
  const t2 = performance.now();
  const c2 = cpu();
  const graph = await buildNeighbourGraph(vectors, indexDimOf(model), SUSPECT_GRAPH_K);
  const t3 = performance.now();
  const c3 = cpu();
  return {
    input: {
      items,
      graph,
      // Tempered once here (the served temperature), so the many rankings of the protocol run at 1.
      probabilities: loaded && calibrateItemProbabilities(loaded.probabilities, model.classifier?.labels.length ?? 0, model.ranking?.temperature ?? 1),
      labels: model.classifier?.labels ?? [],
      labelColumn: labelColumnOf(model),
      temperature: 1,
    },
    // Wall seconds, and the process's CPU seconds (all threads): on a shared machine they differ.
    seconds: { load: (t1 - t0) / 1000, probabilities: (t2 - t1) / 1000, graph: (t3 - t2) / 1000, loadCpu: c1 - c0, probabilitiesCpu: c2 - c1, graphCpu: c3 - c2 },
  };
}


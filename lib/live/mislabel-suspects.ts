import type { CatalogItem } from "../catalog/types";
import { calibrateProbabilitiesInto } from "../search/honest-prior";
import type { NeighbourGraph } from "./neighbour-graph";

/**
 * How the classifier's and the neighbours' evidence combine into one suspicion score
 * (docs/decisions/0019: chosen on flipped validation labels, reported on flipped test labels):
 * - `agree`: P(suggested) · vote share(suggested): both sources name the same other label;
 * - `product`: (1 − P(own)) · (1 − vote share(own)): both doubt the label, whatever they suggest;
 * - `blend`: 1 − (P(own) + vote share(own)) / 2;
 * - `classifier`: 1 − P(own); `votes`: 1 − vote share(own).
 */
export const suspectScorings = ["agree", "product", "blend", "classifier", "votes"] as const;
export type SuspectScoring = (typeof suspectScorings)[number];

export type SuspectOptions = {
  /** Neighbours that vote (byte-identical copies of the item itself never do). */
  k: number;
  scoring: SuspectScoring;
  /** Temperature of the served classifier (manifest ranking.temperature; 1: as it comes). */
  temperature: number;
};

/**
 * The served choice, made on 200 flipped validation labels of the full catalog (docs/decisions/0019):
 * the vote of the 20 nearest, ties (most often "none of the 20 agrees") ordered by the
 * classifier's probability of the suggested label. The classifier alone is too sure of
 * itself: hundreds of real items get P(own) ≈ 0, so it cannot rank among them.
 */
export const DEFAULT_SUSPECT_OPTIONS: SuspectOptions = { k: 20, scoring: "votes", temperature: 1 };

/** Example neighbours listed per suspect. */
const EXAMPLES = 5;

/** The evidence that an item's label is wrong, and the label it more likely has. */
export type Suspect = {
  id: string;
  label: string;
  suggested: string;
  /** Suspicion in [0, 1], higher first; its meaning is the scoring's. */
  score: number;
  /** The served classifier's (calibrated) probability of the item's own label and of the suggested one; null when the classifier does not know the own label. */
  classifier: { own: number; suggested: number } | null;
  /** How many of the k voting neighbours carry the own and the suggested label. */
  votes: { k: number; own: number; suggested: number };
  /** Up to 5 of the nearest neighbours carrying the suggested label (nearest first). */
  neighbours: string[];
};

export type SuspectInput = {
  items: readonly CatalogItem[];
  /** Each item's nearest others (at least k plus the largest group of identical copies, to vote with k). */
  graph: NeighbourGraph;
  /** The classifier's probabilities [items, labels] over `labels`, row per item; absent: neighbours only. */
  probabilities?: Float32Array;
  /** The classifier's labels (manifest classifier.labels). */
  labels: readonly string[];
};

/**
 * Every item whose photo the served model places in another category, ranked by suspicion:
 * the classifier's probabilities of its own photo and a vote of its k nearest other items
 * (leave-one-out, byte-identical copies of itself left out: they share its label's origin).
 * An item whose label the classifier does not know is judged by the vote alone (its vote
 * share stands in for the probabilities). Only items whose best other label beats their own
 * (classifier and vote averaged) are suspects.
 */
export function rankSuspects(input: SuspectInput, options: SuspectOptions = DEFAULT_SUSPECT_OPTIONS): Suspect[] {
  const { items, graph, probabilities, labels } = input;
  const classes = labels.length;
  // Labels as small integers: the classifier's first (same index as its probabilities), then any other the catalog has.
  const names = [...labels];
  const idOf = new Map(labels.map((label, c) => [label, c]));
  const labelIds = Int32Array.from(items, (item) => {
    let id = idOf.get(item.label);
    if (id === undefined) {
      id = names.length;
      idOf.set(item.label, id);
      names.push(item.label);
    }
    return id;
  });
  const counts = new Int32Array(names.length);
  const touched: number[] = [];
  const p = new Float64Array(classes);
  const suspects: Suspect[] = [];
  for (let row = 0; row < items.length; row++) {
    const item = items[row]!;
    const own = labelIds[row]!;
    for (const id of touched) counts[id] = 0;
    touched.length = 0;
    const voters: number[] = [];
    for (let slot = 0; slot < graph.k && voters.length < options.k; slot++) {
      const other = graph.rows[row * graph.k + slot]!;
      if (other < 0) break;
      if (items[other]!.imageHash === item.imageHash) continue;
      voters.push(other);
      const id = labelIds[other]!;
      if (counts[id] === 0) touched.push(id);
      counts[id]! += 1;
    }
    const used = voters.length;
    const share = (id: number) => (used === 0 ? 0 : counts[id]! / used);
    // The classifier speaks for items whose label it knows; otherwise the vote stands in for it.
    const known = probabilities !== undefined && own < classes;
    if (known) calibrateProbabilitiesInto(probabilities.subarray(row * classes, (row + 1) * classes), options.temperature, p);
    const prob = (id: number) => (known ? (id < classes ? p[id]! : 0) : share(id));
    // The suggested label: the best other label by the mean of both sources.
    let suggested = -1;
    let best = 0;
    const consider = (id: number) => {
      if (id === own) return;
      const value = (prob(id) + share(id)) / 2;
      if (value > best) {
        best = value;
        suggested = id;
      }
    };
    if (known) for (let c = 0; c < classes; c++) consider(c);
    for (const id of touched) consider(id);
    // A suspect is placed elsewhere: its best other label beats its own on the same mean.
    if (suggested < 0 || best <= (prob(own) + share(own)) / 2) continue;
    const score = scoreOf(options.scoring, { pOwn: prob(own), vOwn: share(own), pSuggested: prob(suggested), vSuggested: share(suggested) });
    if (!(score > 0)) continue;
    const target = suggested;
    suspects.push({
      id: item.id,
      label: item.label,
      suggested: names[target]!,
      score,
      classifier: known ? { own: prob(own), suggested: prob(target) } : null,
      votes: { k: used, own: counts[own]!, suggested: counts[target]! },
      neighbours: voters
        .filter((other) => labelIds[other] === target)
        .slice(0, EXAMPLES)
        .map((other) => items[other]!.id),
    });
  }
  // Ties (common with votes alone) fall back to the classifier, then catalog order.
  return suspects.sort((a, b) => b.score - a.score || (b.classifier?.suggested ?? 0) - (a.classifier?.suggested ?? 0));
}

/**
 * Every item's probabilities tempered once (the served temperature), for rankings that reuse
 * them: rankSuspects then runs with temperature 1 (pow over 40K × 53 labels costs seconds).
 */
export function calibrateItemProbabilities(probabilities: Float32Array, classes: number, temperature: number): Float32Array {
  if (temperature === 1 || classes === 0) return probabilities;
  const out = new Float32Array(probabilities.length);
  for (let row = 0; row < probabilities.length / classes; row++) {
    calibrateProbabilitiesInto(probabilities.subarray(row * classes, (row + 1) * classes), temperature, out.subarray(row * classes, (row + 1) * classes));
  }
  return out;
}

function scoreOf(scoring: SuspectScoring, e: { pOwn: number; vOwn: number; pSuggested: number; vSuggested: number }): number {
  switch (scoring) {
    case "agree":
      return e.pSuggested * e.vSuggested;
    case "product":
      return (1 - e.pOwn) * (1 - e.vOwn);
    case "blend":
      return 1 - (e.pOwn + e.vOwn) / 2;
    case "classifier":
      return 1 - e.pOwn;
    case "votes":
      return 1 - e.vOwn;
  }
}

import type { CatalogItem } from "../catalog/types";
import { calibrateProbabilities } from "../search/honest-prior";
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
  const labelIndex = new Map(labels.map((label, c) => [label, c]));
  const suspects: Suspect[] = [];
  const counts = new Map<string, number>();
  for (let row = 0; row < items.length; row++) {
    const item = items[row]!;
    counts.clear();
    const voters: number[] = [];
    for (let slot = 0; slot < graph.k && voters.length < options.k; slot++) {
      const other = graph.rows[row * graph.k + slot]!;
      if (other < 0) break;
      if (items[other]!.imageHash === item.imageHash) continue;
      voters.push(other);
      const label = items[other]!.label;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const used = voters.length;
    const share = (label: string) => (used === 0 ? 0 : (counts.get(label) ?? 0) / used);
    const ownClass = labelIndex.get(item.label);
    const p =
      probabilities && ownClass !== undefined
        ? calibrateProbabilities(probabilities.subarray(row * classes, (row + 1) * classes), options.temperature)
        : undefined;
    const prob = (label: string) => {
      if (!p) return share(label);
      const c = labelIndex.get(label);
      return c === undefined ? 0 : p[c]!;
    };
    // The suggested label: the best other label by the mean of both sources.
    let suggested: string | undefined;
    let best = 0;
    const consider = (label: string) => {
      if (label === item.label) return;
      const value = (prob(label) + share(label)) / 2;
      if (value > best) {
        best = value;
        suggested = label;
      }
    };
    if (p) labels.forEach(consider);
    for (const label of counts.keys()) consider(label);
    // A suspect is placed elsewhere: its best other label beats its own on the same mean.
    if (suggested === undefined || best <= (prob(item.label) + share(item.label)) / 2) continue;
    const score = scoreOf(options.scoring, { pOwn: prob(item.label), vOwn: share(item.label), pSuggested: prob(suggested), vSuggested: share(suggested) });
    if (!(score > 0)) continue;
    const target = suggested;
    suspects.push({
      id: item.id,
      label: item.label,
      suggested: target,
      score,
      classifier: p ? { own: prob(item.label), suggested: prob(target) } : null,
      votes: { k: used, own: counts.get(item.label) ?? 0, suggested: counts.get(target) ?? 0 },
      neighbours: voters
        .filter((other) => items[other]!.label === target)
        .slice(0, EXAMPLES)
        .map((other) => items[other]!.id),
    });
  }
  // Ties (common with votes alone) fall back to the classifier, then catalog order.
  return suspects.sort((a, b) => b.score - a.score || (b.classifier?.suggested ?? 0) - (a.classifier?.suggested ?? 0));
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

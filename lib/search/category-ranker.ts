import type { CatalogItem } from "../catalog/types";
import type { IndexHit } from "../index/flat-index";
import type { ModelManifest } from "../model/manifest";
import type { PredictedLabel } from "./types";

export type RankingConfig = NonNullable<ModelManifest["ranking"]>;

/**
 * Category-aware ranking (as in eBay's visual search): estimate P(label | query)
 * and add `categoryBoost × P(row's label)` to each row's cosine score, so results
 * of the likely categories come first and stay visually ordered within them.
 * Displayed scores remain plain cosine similarity.
 */
export class CategoryRanker {
  readonly labels: string[];
  private readonly labelOfRow: Int32Array;
  readonly config: RankingConfig;

  constructor(model: ModelManifest, items: readonly CatalogItem[]) {
    this.labels = model.classifier?.labels ?? [];
    this.config = model.ranking ?? { categoryBoost: 0, source: "classifier", neighbours: 10, sharpness: 10 };
    const labelColumn = (model.classifier?.labelColumn ?? "articleType") as keyof CatalogItem;
    const indexOf = new Map(this.labels.map((label, i) => [label, i]));
    this.labelOfRow = Int32Array.from(items, (item) => indexOf.get(String(item[labelColumn])) ?? -1);
  }

  /** Whether ranking needs the query's plain nearest neighbours first. */
  get needsNeighbours(): boolean {
    return this.active && this.config.source !== "classifier";
  }

  private get active(): boolean {
    return this.config.categoryBoost > 0 && this.labels.length > 0;
  }

  /** P(label | query) from the classifier and/or the neighbours' labels, per the ranking config. */
  estimate(probabilities: Float32Array | undefined, neighbours: readonly IndexHit[] = []): Float32Array | undefined {
    if (this.labels.length === 0) return undefined;
    const { source, sharpness } = this.config;
    const vote = new Float32Array(this.labels.length);
    let total = 0;
    for (const hit of neighbours) {
      const c = this.labelOfRow[hit.row]!;
      if (c < 0) continue;
      const w = Math.max(hit.score, 0) ** sharpness;
      vote[c]! += w;
      total += w;
    }
    if (total > 0) for (let c = 0; c < vote.length; c++) vote[c]! /= total;
    if (source === "neighbours" || !probabilities) return total > 0 ? vote : probabilities;
    if (source === "classifier" || total === 0) return probabilities;
    return vote.map((v, c) => (v + probabilities[c]!) / 2);
  }

  /** Per-row score boosts for an estimated label distribution; undefined when ranking is plain cosine. */
  boostFor(distribution: Float32Array | undefined): Float32Array | undefined {
    if (!distribution || !this.active) return undefined;
    const weight = this.config.categoryBoost;
    const boost = new Float32Array(this.labelOfRow.length);
    for (let row = 0; row < boost.length; row++) {
      const c = this.labelOfRow[row]!;
      if (c >= 0) boost[row] = weight * distribution[c]!;
    }
    return boost;
  }

  /** Boosts for a query whose label is known (a catalog item). */
  boostForLabel(label: string): Float32Array | undefined {
    const c = this.labels.indexOf(label);
    if (c < 0) return undefined;
    const known = new Float32Array(this.labels.length);
    known[c] = 1;
    return this.boostFor(known);
  }

  /** The top predicted labels with their confidence, or null without a classifier. */
  predict(distribution: Float32Array | undefined, top = 3): PredictedLabel[] | null {
    if (!distribution || this.labels.length === 0) return null;
    return [...distribution]
      .map((confidence, i) => ({ label: this.labels[i]!, confidence }))
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, top);
  }
}

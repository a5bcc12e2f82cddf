import type { CatalogItem } from "../catalog/types";
import type { ModelManifest } from "../model/manifest";
import { calibrateProbabilities } from "./honest-prior";
import type { PredictedLabel } from "./types";

export type RankingConfig = NonNullable<ModelManifest["ranking"]>;

/** The column a catalog labels its items by unless told otherwise (the data set's article type). */
const DEFAULT_LABEL_COLUMN = "articleType";

/** The catalog column the served model's labels come from. */
export function labelColumnOf(model: Pick<ModelManifest, "classifier">): keyof CatalogItem {
  return (model.classifier?.labelColumn ?? DEFAULT_LABEL_COLUMN) as keyof CatalogItem;
}

/** A product's label under the served model: its label column's value (the article type when it has none). */
export function labelFor(model: Pick<ModelManifest, "classifier">, fields: Pick<CatalogItem, "articleType"> & Partial<CatalogItem>): string {
  return String(fields[labelColumnOf(model)] ?? fields.articleType);
}

/** A plain nearest neighbour of the query: its record and cosine similarity. */
export type Neighbour = { item: CatalogItem; score: number };

/**
 * Category-aware ranking (as in eBay's visual search): estimate P(label | query)
 * and add `categoryBoost × P(item's label)` to each item's cosine score, so results
 * of the likely categories come first and stay visually ordered within them.
 * Displayed scores remain plain cosine similarity. The boost is handed to the
 * vector store per label (StoreQuery.labelBoost), keyed by the classifier's labels,
 * which are the catalog's `label` values (both come from the same label column).
 */
export class CategoryRanker {
  readonly labels: string[];
  readonly config: RankingConfig;
  private readonly labelColumn: keyof CatalogItem;
  private readonly indexOf: Map<string, number>;

  constructor(model: ModelManifest) {
    this.labels = model.classifier?.labels ?? [];
    this.config = model.ranking ?? { categoryBoost: 0, source: "classifier", neighbours: 10, sharpness: 10 };
    this.labelColumn = labelColumnOf(model);
    this.indexOf = new Map(this.labels.map((label, i) => [label, i]));
  }

  /** Whether ranking needs the query's plain nearest neighbours first. */
  get needsNeighbours(): boolean {
    return this.active && this.config.source !== "classifier";
  }

  private get active(): boolean {
    return this.config.categoryBoost > 0 && this.labels.length > 0;
  }

  /** P(label | query) from the (calibrated) classifier and/or the neighbours' labels, per the ranking config. */
  estimate(raw: Float32Array | undefined, neighbours: readonly Neighbour[] = []): Float32Array | undefined {
    if (this.labels.length === 0) return undefined;
    const probabilities = raw && calibrateProbabilities(raw, this.config.temperature ?? 1);
    const { source, sharpness } = this.config;
    const vote = new Float32Array(this.labels.length);
    let total = 0;
    for (const hit of neighbours) {
      const c = this.indexOf.get(String(hit.item[this.labelColumn])) ?? -1;
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

  /** Score boost per label for an estimated label distribution; undefined when ranking is plain cosine. */
  boostFor(distribution: Float32Array | undefined): Record<string, number> | undefined {
    if (!distribution || !this.active) return undefined;
    const weight = this.config.categoryBoost;
    const boost: Record<string, number> = {};
    this.labels.forEach((label, c) => {
      boost[label] = weight * distribution[c]!;
    });
    return boost;
  }

  /** Each item's position in `labels` (-1 for a label the classifier does not know), for rowBoosts. */
  labelIndexOf(items: readonly CatalogItem[]): Int32Array {
    return Int32Array.from(items, (item) => this.indexOf.get(String(item[this.labelColumn])) ?? -1);
  }

  /**
   * The same boosts as boostFor, laid out per row (float32, as a store adds them), for
   * offline evaluation; `rowLabels` comes from labelIndexOf, computed once per catalog.
   */
  rowBoosts(distribution: Float32Array | undefined, rowLabels: Int32Array): Float32Array | undefined {
    if (!distribution || !this.active) return undefined;
    const weight = this.config.categoryBoost;
    const boost = new Float32Array(rowLabels.length);
    for (let row = 0; row < boost.length; row++) {
      const c = rowLabels[row]!;
      if (c >= 0) boost[row] = weight * distribution[c]!;
    }
    return boost;
  }

  /** Boosts for a query whose label is known (a catalog item). */
  boostForLabel(label: string): Record<string, number> | undefined {
    const c = this.indexOf.get(label);
    if (c === undefined) return undefined;
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

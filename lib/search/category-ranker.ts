import type { CatalogItem } from "../catalog/types";
import type { ModelManifest } from "../model/manifest";
import type { PredictedLabel } from "./types";

/**
 * Category-aware ranking (as in eBay's visual search): the model predicts the
 * query's label, and each catalog row gets `categoryBoost × P(row's label)` added
 * to its cosine score, so results of the likely categories come first and stay
 * visually ordered within them. Displayed scores remain plain cosine similarity.
 */
export class CategoryRanker {
  private readonly labels: string[];
  private readonly labelOfRow: Int32Array;
  private readonly weight: number;

  constructor(model: ModelManifest, items: readonly CatalogItem[]) {
    this.labels = model.classifier?.labels ?? [];
    this.weight = model.ranking?.categoryBoost ?? 0;
    const labelColumn = (model.classifier?.labelColumn ?? "articleType") as keyof CatalogItem;
    const indexOf = new Map(this.labels.map((label, i) => [label, i]));
    this.labelOfRow = Int32Array.from(items, (item) => indexOf.get(String(item[labelColumn])) ?? -1);
  }

  /** Per-row score boosts for a query's class probabilities; undefined when ranking is plain cosine. */
  boostFor(probabilities: Float32Array | undefined): Float32Array | undefined {
    if (!probabilities || this.weight === 0) return undefined;
    const boost = new Float32Array(this.labelOfRow.length);
    for (let row = 0; row < boost.length; row++) {
      const c = this.labelOfRow[row]!;
      if (c >= 0) boost[row] = this.weight * probabilities[c]!;
    }
    return boost;
  }

  /** Boosts for a query whose label is known (a catalog item). */
  boostForLabel(label: string): Float32Array | undefined {
    const c = this.labels.indexOf(label);
    if (c < 0 || this.weight === 0) return undefined;
    const probabilities = new Float32Array(this.labels.length);
    probabilities[c] = 1;
    return this.boostFor(probabilities);
  }

  /** The top predicted labels with their confidence, or null without a classifier. */
  predict(probabilities: Float32Array | undefined, top = 3): PredictedLabel[] | null {
    if (!probabilities || this.labels.length === 0) return null;
    return [...probabilities]
      .map((confidence, i) => ({ label: this.labels[i]!, confidence }))
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, top);
  }
}

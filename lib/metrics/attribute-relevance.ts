import type { CatalogItem } from "../catalog/types";
import { hasColour, toColourFamily } from "./colour-families";
import type { Relevance } from "./relevance";
import { evaluateRetrieval, type RetrievalEvaluation } from "./retrieval";

/** What the attribute-faithful judges read of an item: its label (the article type by default), colour and gender. */
export type AttributedItem = Pick<CatalogItem, "label" | "baseColour" | "gender">;

/** A named relevance, keyed for reports (`type+colour`...). */
export type KeyedRelevance = Relevance<AttributedItem> & { key: string };

// An item without a colour is never relevant by colour, as query or as result: a
// shopper cannot be shown "the same colour" of nothing, and counting empty == empty
// would reward the model for grouping unlabelled items.
function sameColour(a: AttributedItem, b: AttributedItem): boolean {
  return hasColour(a.baseColour) && a.baseColour === b.baseColour;
}

function sameColourFamily(a: AttributedItem, b: AttributedItem): boolean {
  const family = toColourFamily(a.baseColour);
  return family !== null && family === toColourFamily(b.baseColour);
}

/**
 * The attribute-faithful relevances, strict label equality first: same type (the
 * reference protocol), same type and `baseColour`, same type and `gender`, same
 * `baseColour` alone; then the colour-family versions (lib/metrics/colour-families.ts).
 */
export function createAttributeRelevances(labelColumn: string): KeyedRelevance[] {
  const type = (a: AttributedItem, b: AttributedItem) => a.label === b.label;
  return [
    { key: "type", description: `same ${labelColumn}`, isRelevant: type },
    { key: "type+colour", description: `same ${labelColumn} and baseColour`, isRelevant: (q, r) => type(q, r) && sameColour(q, r) },
    { key: "type+gender", description: `same ${labelColumn} and gender`, isRelevant: (q, r) => type(q, r) && q.gender === r.gender },
    { key: "colour", description: "same baseColour", isRelevant: sameColour },
    {
      key: "type+colour family",
      description: `same ${labelColumn} and colour family`,
      isRelevant: (q, r) => type(q, r) && sameColourFamily(q, r),
    },
    { key: "colour family", description: "same colour family", isRelevant: sameColourFamily },
  ];
}

/** A query's item, the items ranked for it (itself excluded, best first) and the label it is reported under. */
export type RankedItems<T> = { query: T; results: readonly T[]; label: string };

/** The metrics of one set of ranked lists under one relevance. */
export type RelevanceMetrics = { key: string; description: string } & RetrievalEvaluation;

/** Evaluates the same ranked lists under each relevance. */
export function evaluateUnderRelevances<T extends AttributedItem>(
  ranked: readonly RankedItems<T>[],
  relevances: readonly KeyedRelevance[],
): RelevanceMetrics[] {
  return relevances.map(({ key, description, isRelevant }) => ({
    key,
    description,
    ...evaluateRetrieval(ranked.map(({ query, results, label }) => ({ label, relevant: results.map((r) => isRelevant(query, r)) }))),
  }));
}

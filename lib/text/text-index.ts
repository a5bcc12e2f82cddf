import MiniSearch from "minisearch";
import type { CatalogItem, ProductField } from "../catalog/types";
import { indexTerms, queryTerms } from "./tokenise";

/**
 * The fields text search reads (productFields, less none) and how much a match in each counts.
 * The name carries the brand and the words a shopper types; articleType and colour are the
 * catalog's own words for what it is, so they weigh as much; the rest only narrow.
 */
export const textFieldBoosts: Readonly<Record<ProductField, number>> = {
  productDisplayName: 2,
  articleType: 2,
  baseColour: 1.5,
  gender: 1,
  masterCategory: 1,
  subCategory: 1,
  season: 1,
  usage: 1,
  year: 1,
};
const textFields = Object.keys(textFieldBoosts) as ProductField[];

/** A row that matched every term, with its BM25 score (higher is better). */
export type TextMatch = { row: number; score: number };

type Doc = { id: number; item: CatalogItem };

/**
 * A BM25 text index (MiniSearch, decision 0016) over catalog rows, keyed by row number so a
 * store can combine it with its row masks. A query matches a row when every query term is in
 * one of its fields, the last term also as a prefix (the shopper may still be typing it).
 * Rows are set and deleted one at a time, so a live edit costs one row, not a rebuild.
 */
export class TextIndex {
  private readonly search = new MiniSearch<Doc>({
    fields: textFields,
    extractField: (doc, field) => (field === "id" ? doc.id : (doc.item[field as ProductField] ?? "")),
    tokenize: indexTerms,
    processTerm: (term) => term,
    searchOptions: {
      tokenize: queryTerms,
      processTerm: (term) => term,
      combineWith: "AND",
      prefix: (_term, i, terms) => i === terms.length - 1,
      boost: textFieldBoosts,
    },
  });

  /** Indexes `items` as rows 0..n-1 (a row for which `skip` is true is left out). */
  static build(items: readonly CatalogItem[], skip?: (row: number) => boolean): TextIndex {
    const index = new TextIndex();
    const docs: Doc[] = [];
    items.forEach((item, row) => {
      if (!skip?.(row)) docs.push({ id: row, item });
    });
    index.search.addAll(docs);
    return index;
  }

  /** Number of rows indexed. */
  get size(): number {
    return this.search.documentCount;
  }

  /** Indexes a row's record, replacing what the row held. */
  set(row: number, item: CatalogItem): void {
    if (this.search.has(row)) this.search.replace({ id: row, item });
    else this.search.add({ id: row, item });
  }

  /** Drops a row (no-op when it is not indexed). */
  delete(row: number): void {
    if (this.search.has(row)) this.search.discard(row);
  }

  /** Rows matching every term of `text`, best BM25 score first (ties: lower row first); `accept` narrows the rows. */
  match(text: string, accept?: (row: number) => boolean): TextMatch[] {
    const found = this.search.search(text, accept ? { filter: (result) => accept(result.id as number) } : undefined);
    return found
      .map((result) => ({ row: result.id as number, score: result.score }))
      .sort((a, b) => b.score - a.score || a.row - b.row);
  }
}

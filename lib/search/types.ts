import type { CatalogItem } from "../catalog/types";

/** Metadata filters applied inside the search (not after it), so k filtered hits come back when they exist. */
export type SearchFilters = Partial<
  Pick<CatalogItem, "articleType" | "masterCategory" | "gender" | "baseColour">
>;

export type SearchOptions = {
  /** Number of results, 1..100. */
  k: number;
  filters?: SearchFilters;
};

export type SearchHit = {
  item: CatalogItem;
  /** Cosine similarity in [-1, 1]. */
  score: number;
};

/** The model's guess of the query's label (articleType), best first. */
export type PredictedLabel = { label: string; confidence: number };

export type SearchTimings = { decode: number; embed: number; search: number; total: number };

export type SearchOutcome = {
  hits: SearchHit[];
  /** Null when the served model has no classifier. */
  predicted: PredictedLabel[] | null;
  tookMs: SearchTimings;
};

export type HealthReport = {
  ok: boolean;
  model: { id: string; name: string; dim: number; input: { height: number; width: number } };
  index: { id: string; kind: "flat" | "hnsw"; size: number };
  catalogSize: number;
};

/**
 * What the web layer needs from the engine. One instance per process, created by
 * lib/server; every method validates its input and throws AppError on bad input.
 */
export interface SearchService {
  /** All items in catalog order. */
  readonly items: readonly CatalogItem[];
  getItem(id: string): CatalogItem | undefined;
  /** Searches with an uploaded photo (raw bytes, any format sharp reads). */
  searchByImage(bytes: Uint8Array, options: SearchOptions): Promise<SearchOutcome>;
  /** "More like this" for a catalog item, the item itself excluded. */
  similarTo(id: string, options: SearchOptions): Promise<SearchOutcome>;
  /** Absolute path and content type of an item's stored photo. */
  imageFile(id: string): { path: string; contentType: string; etag: string };
  health(): HealthReport;
}

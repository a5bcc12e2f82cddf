import type { CatalogItem } from "../catalog/types";
import type { ModelManifest } from "../model/manifest";
import type { SearchFilters, VectorStore } from "../vector-store/types";

export type SearchOptions = {
  /** Number of results, 1..100. */
  k: number;
  filters?: SearchFilters;
  /**
   * Collapse near-identical products: a hit whose cosine to an already kept hit is at
   * least this threshold is skipped (k results are still returned when they exist).
   */
  collapse?: number;
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
  /** All items in catalog order (a snapshot, replaced when the catalog changes). */
  readonly items: readonly CatalogItem[];
  /** Where vectors and records live; writes go through lib/live/catalog-editor.ts. */
  readonly store: VectorStore;
  readonly model: ModelManifest;
  /** Picks up changes made elsewhere (another process, or `store` writes after `markChanged`). */
  refresh(): Promise<void>;
  /** Tells the service that its store was written to, so the next refresh re-reads the items. */
  markChanged(): void;
  getItem(id: string): CatalogItem | undefined;
  /** The L2-normalised embedding of a photo (and class probabilities when the model has a classifier). */
  embedPhoto(bytes: Uint8Array): Promise<{ embedding: Float32Array; probabilities?: Float32Array }>;
  /** Searches with an uploaded photo (raw bytes, any format sharp reads). */
  searchByImage(bytes: Uint8Array, options: SearchOptions): Promise<SearchOutcome>;
  /** "More like this" for a catalog item, the item itself excluded. */
  similarTo(id: string, options: SearchOptions): Promise<SearchOutcome>;
  /** Absolute path and content type of an item's stored photo. */
  imageFile(id: string): { path: string; contentType: string; etag: string };
  health(): HealthReport;
}

import type { CatalogItem } from "../catalog/types";
import type { SearchMode } from "../colour/colour-fusion";
import type { PredictedColour } from "../colour/colour-names";
import type { QueryRegion, RegionRequest } from "../region/query-region";
import type { ModelManifest } from "../model/manifest";
import type { QualityBand } from "./match-quality";
import type { FacetCounts, SortOrder } from "./explore";
import type { Feedback } from "./feedback";
import type {
  CompactResult, IndexKind, SearchFilters, StoreChange, StoredEntry, StoreHit, StoreProblem, StoreQuery, StoreSnapshot, UpsertOptions, UpsertStatus,
} from "../vector-store/types";

export type SearchOptions = {
  /** Number of results, 1..100. */
  k: number;
  filters?: SearchFilters;
  /**
   * Collapse near-identical products: a hit whose cosine to an already kept hit is at
   * least this threshold is skipped (k results are still returned when they exist).
   */
  collapse?: number;
  /** Which part of a query photo to search with (photo searches only; default auto). */
  region?: RegionRequest;
  /** Same style, same colour or the balance of both (default balanced; plain embedding when the model fuses no colour). */
  mode?: SearchMode;
  /** Liked and disliked results: the query moves towards / away from their stored vectors; disliked ones are left out. */
  feedback?: Feedback;
  /** Results skipped before the page ("show more"); k + offset ≤ EXPLORE_MAX. */
  offset?: number;
  /** match (default) or by product name over the EXPLORE_MAX best matches. */
  sort?: SortOrder;
  /** Also count the filter values over the EXPLORE_MAX best matches (outcome.facets). */
  facets?: boolean;
  /** Leave out results whose match quality is below this (0..1; default 0: keep all). */
  minQuality?: number;
  /**
   * Words to match (lib/text): a photo search returns only products whose name and metadata hold
   * every term (the last also as a prefix), still ranked by visual similarity ("like this photo,
   * Puma only"); a text-only search (searchByText) ranks the matching products by text score.
   */
  text?: string;
};

export type SearchHit = {
  item: CatalogItem;
  /** Cosine similarity in [-1, 1]. */
  score: number;
  /** What the results were ranked by: the cosine plus the category boost (engine-internal; the API shows score and quality). */
  rankingScore: number;
  /** Match quality: P(same type as the query), calibrated on validation (lib/search/match-quality.ts). */
  quality: number;
  band: QualityBand;
};

/** The model's guess of the query's label (articleType), best first. */
export type PredictedLabel = { label: string; confidence: number };

export type SearchTimings = {
  decode: number;
  /** Finding the product, neutralising its background, describing its colour (photo searches). */
  region: number;
  embed: number;
  search: number;
  total: number;
};

export type SearchOutcome = {
  /** Best match quality first. */
  hits: SearchHit[];
  /** No result reaches the Good band (judged before minQuality). */
  noCloseMatch: boolean;
  /** False when the served model has no match-quality calibration (quality is then the clamped ranking score). */
  qualityCalibrated: boolean;
  /** Null when the served model has no classifier; labels the results do not bear out are left out. */
  predicted: PredictedLabel[] | null;
  /** The part of the query photo searched with (photo searches only). */
  region?: QueryRegion;
  /** The query region's colour, when the served model fuses colour and knows colour names. */
  colour?: PredictedColour | null;
  /** The mode the ranking used (photo searches only). */
  mode?: SearchMode;
  /** When asked for: filter value counts over the query's best matches (see countFacets). */
  facets?: FacetCounts;
  tookMs: SearchTimings;
};

export type HealthReport = {
  ok: boolean;
  model: { id: string; name: string; dim: number; input: { height: number; width: number } };
  index: { id: string; kind: IndexKind; size: number };
  catalogSize: number;
  /** False while the store refuses writes (see problems). */
  writable: boolean;
  /** What an operator must fix (a corrupt change log: where, and the repair command); `ok` is false while any is open. */
  problems: StoreProblem[];
};

/**
 * What the web layer and the CLIs need from the engine. One instance per process,
 * created by lib/server or a CLI; every method validates its input and throws
 * AppError on bad input. Writes go through the service only: each is durable when
 * it resolves and already reflected in `items`.
 */
export interface SearchService {
  /** All items in catalog order (a snapshot, replaced when the catalog changes). */
  readonly items: readonly CatalogItem[];
  readonly model: ModelManifest;
  /** Picks up changes other processes made (another instance, the CLI). */
  refresh(): Promise<void>;
  getItem(id: string): CatalogItem | undefined;
  /** A product's record and vector as stored now (not the `items` snapshot). */
  getEntry(id: string): Promise<StoredEntry | undefined>;
  /**
   * The vector the store holds for a catalog photo (the L2-normalised embedding, fused with the
   * photo's colour when the model fuses colour), and class probabilities when the model has a classifier.
   */
  embedPhoto(bytes: Uint8Array): Promise<{ vector: Float32Array; probabilities?: Float32Array }>;
  /** Searches with an uploaded photo (raw bytes, any format sharp reads). */
  searchByImage(bytes: Uint8Array, options: SearchOptions): Promise<SearchOutcome>;
  /**
   * Searches by words alone (options.text is ignored): products matching every term, best text
   * match first. A hit's `score` is its text score relative to the best match (1), `quality` 1 and
   * `band` excellent (each one holds every term); feedback needs a photo and is refused, collapse is not applied.
   */
  searchByText(text: string, options: SearchOptions): Promise<SearchOutcome>;
  /** "More like this" for a catalog item, the item itself excluded. */
  similarTo(id: string, options: SearchOptions): Promise<SearchOutcome>;
  /** Plain nearest neighbours of a stored-form vector (embedPhoto's) by cosine, no category ranking, e.g. for duplicate checks. */
  nearest(vector: Float32Array, query: StoreQuery): Promise<StoreHit[]>;
  /** Adds products or replaces those with the same id. */
  upsert(entries: readonly StoredEntry[], options?: UpsertOptions): Promise<UpsertStatus[]>;
  /** Changes a product's metadata (a patch, or one computed from the record as stored now, under the write lock); `not_found` for an unknown id. */
  update(id: string, change: StoreChange): Promise<CatalogItem>;
  /** Removes products; returns how many existed. */
  remove(ids: readonly string[]): Promise<number>;
  /** Folds logged changes into a new catalog generation; `bad_request` for a backend without a log. */
  compact(): Promise<CompactResult>;
  /** Every live record and vector; `bad_request` for a backend that cannot hand them over at once. */
  snapshot(): StoreSnapshot;
  /** Absolute path and content type of an item's stored photo. */
  imageFile(id: string): { path: string; contentType: string; etag: string };
  health(): HealthReport;
}

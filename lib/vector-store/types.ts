import type { CatalogItem } from "../catalog/types";

/** The catalog fields a search can be filtered on, in the order they appear in URLs. */
export const filterKeys = ["articleType", "masterCategory", "gender", "baseColour"] as const satisfies readonly (keyof CatalogItem)[];
export type FilterKey = (typeof filterKeys)[number];

/** Metadata filters applied inside the search (not after it), so k filtered hits come back when they exist. */
export type SearchFilters = Partial<Pick<CatalogItem, FilterKey>>;

/** Whether any filter restricts the search (an empty value restricts nothing). */
export function hasFilters(filters: SearchFilters | undefined): boolean {
  return filters !== undefined && Object.values(filters).some((value) => value);
}

/** One stored product: its catalog record and its embedding under the served model (L2-normalised). */
export type StoredEntry = { item: CatalogItem; vector: Float32Array };

export type StoreHit = { item: CatalogItem; score: number };

/** A metadata change: any field but the id and the photo's (those come with a new upsert). */
export type StorePatch = Partial<Omit<CatalogItem, "id" | "imageHash" | "imageExt" | "width" | "height">>;

/**
 * How a store answers a search: `flat` scores every vector (exact), `hnsw` walks a
 * graph (approximate; filtered searches may still scan exactly).
 */
export const indexKinds = ["flat", "hnsw"] as const;
export type IndexKind = (typeof indexKinds)[number];

/**
 * Something an operator must fix. `corrupt_change_log`: a complete record of the log
 * failed its checksum; the store serves what came before it and refuses writes
 * until `repair` is run (docs/robustness.md).
 */
export type StoreProblem = {
  kind: "corrupt_change_log";
  message: string;
  file: string;
  /** Byte offset and number (from 1) of the bad record. */
  offset: number;
  record: number;
  /** The command that repairs it. */
  repair: string;
};

/** What a store says about itself, for health reports. */
export type StoreInfo = {
  /** Identifies the served index: a content id for files, the backend's name for a database. */
  indexId: string;
  indexKind: IndexKind;
  /** What needs an operator (none: omitted or empty); any problem makes the store read-only. */
  problems?: StoreProblem[];
};

/** What a write's guard may read: the store's latest state, seen under its write lock. */
export type StoreReader = Pick<VectorStore, "get" | "search">;

/** What an upsert did with each entry, in order. */
export type UpsertStatus = "added" | "replaced" | "unchanged";

export type UpsertOptions = {
  /**
   * Decides the write under the store's write lock, against its latest state (so no
   * other writer can slip in between the check and the write): throw an AppError to
   * refuse the whole batch, or return ids to leave as they are (`unchanged`).
   */
  guard?: (latest: StoreReader) => Promise<ReadonlySet<string> | void>;
};

/** A metadata change, or a function that computes it from the record as stored now (under the write lock). */
export type StoreChange = StorePatch | ((current: CatalogItem) => StorePatch);

/** Every live record and its vector, in row order (compact: `vectors` holds `items.length × dim` floats). */
export type StoreSnapshot = { items: CatalogItem[]; vectors: Float32Array };

/** What folding a change log into a new generation did. */
export type CompactResult = { generation: string; items: number; foldedLogBytes: number; ms: number };

export type StoreQuery = {
  /** Number of results wanted, 1..100 at the API; stores accept any positive integer. */
  k: number;
  /** Metadata filters applied inside the search, so k filtered hits come back when they exist. */
  filters?: SearchFilters;
  /** Ids never returned (e.g. the query item of "more like this"). */
  excludeIds?: readonly string[];
  /**
   * Category-aware ranking: rank by `cosine + labelBoost[item.label]` (missing labels add 0).
   * Returned scores are always the plain cosine similarity.
   */
  labelBoost?: Readonly<Record<string, number>>;
  /**
   * Text restriction: only rows whose name and metadata hold every term of this text (the
   * tokenising rule of lib/text/tokenise.ts; the last term also as a prefix).
   */
  text?: string;
};

/** A text-only search: k, filters and exclusions as in StoreQuery, ranked by the text score. */
export type TextStoreQuery = Omit<StoreQuery, "labelBoost" | "text">;

/**
 * Where the catalog's vectors and records live. Two backends implement it:
 * `embedded` (the flat index files plus a crash-safe change log, in process) and
 * `pgvector` (Postgres with the pgvector extension, shared by several instances).
 * Every method throws AppError on bad input.
 */
export interface VectorStore {
  readonly backend: "embedded" | "pgvector";
  /** Dimension of the stored vectors (the served model's embedding size). */
  readonly dim: number;
  info(): StoreInfo;
  count(): Promise<number>;
  get(id: string): Promise<StoredEntry | undefined>;
  /** Every record, in a stable order (for facets and pages); vectors are not loaded. */
  listItems(): Promise<CatalogItem[]>;
  /** Adds new products or replaces existing ones (same id), atomically for the whole batch; see UpsertOptions. */
  upsert(entries: readonly StoredEntry[], options?: UpsertOptions): Promise<UpsertStatus[]>;
  /** Changes metadata only; the vector stays. Returns the new record; `not_found` for an unknown id. */
  update(id: string, change: StoreChange): Promise<CatalogItem>;
  /** Removes products; returns how many existed. */
  remove(ids: readonly string[]): Promise<number>;
  /** Exact or approximate nearest neighbours by cosine similarity, best first. */
  search(vector: Float32Array, query: StoreQuery): Promise<StoreHit[]>;
  /**
   * Rows matching every term of `text` (see StoreQuery.text), best text match first; `score` is the
   * backend's text relevance (embedded: BM25; pgvector: ts_rank), comparable within one answer only.
   */
  searchText(text: string, query: TextStoreQuery): Promise<StoreHit[]>;
  /**
   * Optional: picks up changes other processes made (another server, the CLI). Returns
   * true when anything changed. Stores that read shared state on every call omit it.
   */
  refresh?(): Promise<boolean>;
  /** Optional: every live record and vector at once (catalog-wide reports); stores that cannot omit it. */
  snapshot?(): StoreSnapshot;
  /**
   * Optional: folds logged changes into a new catalog generation indexed for `model`,
   * which every process sharing the catalog moves to. Stores without a log omit it.
   */
  compact?(model: { id: string; name: string }): Promise<CompactResult>;
  close(): Promise<void>;
}

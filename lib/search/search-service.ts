import { contentTypeFor, imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import type { Config } from "../config";
import type { ImageEmbedder } from "../embed/embedder";
import { ThreadedEmbedder } from "../embed/threaded-embedder";
import { AppError } from "../errors";
import { DEFAULT_SEARCH_MODE } from "../colour/colour-fusion";
import { indexDimOf, resolveServedModel, type ModelManifest } from "../model/manifest";
import { createVectorStore } from "../vector-store/create-store";
import {
  hasFilters,
  type CompactResult, type StoreChange, type StoredEntry, type StoreHit, type StoreQuery, type StoreSnapshot, type UpsertOptions, type UpsertStatus, type VectorStore,
} from "../vector-store/types";
import { CategoryRanker } from "./category-ranker";
import { searchCollapsed } from "./collapse";
import { keepConsistentPredictions, keepPlainMatches } from "./honest-prior";
import { boostedFromPlain, PLAIN_CANDIDATES } from "./plain-candidates";
import { embedCatalogPhoto, embedImageQuery } from "./image-query";
import { checkPage, countFacets, countNeeded, EXPLORE_MAX, selectPage } from "./explore";
import { hasFeedback, loadFeedbackVectors, refineQueryVector, type Feedback } from "./feedback";
import { checkK } from "./k-bounds";
import { checkTextQuery } from "../text/text-query";
import type { QualityScale } from "./match-quality";
import { loadQualityScale } from "./quality-file";
import { rateHits, sortByQuality } from "./rate-hits";
import type { HealthReport, SearchHit, SearchOptions, SearchOutcome, SearchService } from "./types";

/** How often the item list of a store without refresh() (shared by instances) is re-read. */
const RELIST_MS = 10_000;

/** The engine behind the app: one model and one vector store, loaded once per process. */
class EngineSearchService implements SearchService {
  private listed: CatalogItem[] = [];
  private byId = new Map<string, CatalogItem>();
  /** Items whose photo shows nothing (flagged at ingest): never a result. */
  private blankIds: string[] = [];
  private stale = true;
  private listedAt = 0;
  private relisting = false;

  constructor(
    private readonly config: Config,
    readonly model: ModelManifest,
    private readonly embedder: ImageEmbedder,
    private readonly store: VectorStore,
    private readonly ranker: CategoryRanker,
    private readonly quality: QualityScale,
  ) {}

  get items(): readonly CatalogItem[] {
    return this.listed;
  }

  async refresh(): Promise<void> {
    if (!this.store.refresh && !this.stale) {
      this.relistInBackground();
      return;
    }
    const changed = (await this.store.refresh?.()) ?? false;
    if (!changed && !this.stale) return;
    this.stale = false;
    this.setSnapshot(await this.store.listItems());
  }

  /**
   * A store without refresh() (pgvector) is shared with other instances: re-read its
   * records now and then, off the request path, so items added elsewhere get pages and photos.
   */
  private relistInBackground(): void {
    if (this.relisting || Date.now() - this.listedAt < RELIST_MS) return;
    this.relisting = true;
    this.store
      .listItems()
      .then((items) => this.setSnapshot(items))
      .catch((error: unknown) => console.warn("[catalog] could not re-read the items:", error))
      .finally(() => {
        this.relisting = false;
      });
  }

  private setSnapshot(items: CatalogItem[]): void {
    this.listedAt = Date.now();
    if (items === this.listed) return;
    this.listed = items;
    this.byId = new Map(items.map((item) => [item.id, item]));
    this.blankIds = items.filter((item) => item.blank).map((item) => item.id);
  }

  getItem(id: string): CatalogItem | undefined {
    return this.byId.get(id);
  }

  getEntry(id: string): Promise<StoredEntry | undefined> {
    return this.store.get(id);
  }

  nearest(vector: Float32Array, query: StoreQuery): Promise<StoreHit[]> {
    return this.store.search(vector, query);
  }

  upsert(entries: readonly StoredEntry[], options?: UpsertOptions): Promise<UpsertStatus[]> {
    return this.write(() => this.store.upsert(entries, options));
  }

  update(id: string, change: StoreChange): Promise<CatalogItem> {
    return this.write(() => this.store.update(id, change));
  }

  remove(ids: readonly string[]): Promise<number> {
    return this.write(() => this.store.remove(ids));
  }

  compact(): Promise<CompactResult> {
    const { compact } = this.store;
    if (!compact) throw needsEmbedded();
    return this.write(() => compact.call(this.store, this.model));
  }

  snapshot(): StoreSnapshot {
    if (!this.store.snapshot) throw needsEmbedded();
    return this.store.snapshot();
  }

  /** Every write: the store's own, then a re-read of the items, so `items` already shows it. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    const result = await work();
    this.stale = true;
    await this.refresh();
    return result;
  }

  embedPhoto(bytes: Uint8Array): Promise<{ vector: Float32Array; probabilities?: Float32Array }> {
    return embedCatalogPhoto(this.embedder, this.model, bytes, { maxPixels: this.config.MAX_IMAGE_PIXELS });
  }

  async searchByImage(bytes: Uint8Array, options: SearchOptions): Promise<SearchOutcome> {
    checkK(options.k);
    checkPage(options.k, options.offset ?? 0);
    const t0 = performance.now();
    const mode = options.mode ?? DEFAULT_SEARCH_MODE;
    const query = await embedImageQuery(this.embedder, this.model, bytes, { maxPixels: this.config.MAX_IMAGE_PIXELS }, options.region ?? { source: "auto" }, mode);
    const t1 = performance.now();
    const { offset = 0, sort = "match" } = options;
    const needed = countNeeded(options.k, offset, sort);
    const text = options.text === undefined ? undefined : checkTextQuery(options.text);
    // Unrestricted (no filter, words, feedback, collapsing or blank rows to leave out): one plain scan
    // of the whole catalog serves the category vote, the kept plain matches and, when it can prove
    // them (boostedFromPlain), the category-aware results too.
    const unrestricted = !hasFilters(options.filters) && text === undefined && !hasFeedback(options.feedback) && options.collapse === undefined && this.blankIds.length === 0;
    const voters = this.ranker.needsNeighbours ? this.ranker.config.neighbours : 0;
    const plainK = unrestricted ? Math.max(voters, needed, PLAIN_CANDIDATES) : voters;
    // The query's category is estimated over the whole catalog, whatever the filters.
    const plainAll = plainK > 0 ? await this.store.search(query.vector, { k: plainK }) : [];
    const distribution = this.ranker.estimate(query.probabilities, plainAll.slice(0, voters));
    const labelBoost = this.ranker.boostFor(distribution);
    const { vector, excludeIds } = await this.refineWithFeedback(query.vector, options.feedback);
    const complete = plainAll.length < plainK;
    const fromPlain = unrestricted ? (labelBoost ? boostedFromPlain(plainAll, needed, labelBoost, complete) : plainAll.slice(0, needed)) : undefined;
    let hits = fromPlain ?? (await this.searchStore(vector, { k: needed, filters: options.filters, labelBoost, excludeIds, text }, options.collapse));
    const keep = Math.min(this.ranker.config.keepPlain ?? 0, options.k);
    if (labelBoost && keep > 0) {
      const plain = unrestricted ? plainAll.slice(0, keep) : await this.searchStore(vector, { k: keep, filters: options.filters, excludeIds, text }, options.collapse);
      // The guarantee is for the first page; later pages continue the boosted order without those.
      const first = keepPlainMatches(hits, plain, options.k, keep);
      const shown = new Set(first.map((hit) => hit.item.id));
      hits = [...first, ...hits.filter((hit) => !shown.has(hit.item.id))];
    }
    const facets = options.facets ? await this.countFacetsNear(vector, { labelBoost, excludeIds, text }, options.filters) : undefined;
    const t2 = performance.now();
    const predicted = keepConsistentPredictions(this.ranker.predict(distribution), hits, (hit) => hit.item.label);
    const rated = rateHits(hits, this.quality, labelBoost, options.minQuality);
    return {
      hits: sortByQuality(selectPage(rated.hits, options.k, offset, sort), sort),
      noCloseMatch: rated.noCloseMatch,
      qualityCalibrated: this.quality.calibrated,
      predicted,
      ...(facets ? { facets } : {}),
      region: query.region,
      colour: query.colour,
      mode,
      tookMs: { decode: query.tookMs.decode, region: query.tookMs.region, embed: query.tookMs.embed, search: t2 - t1, total: t2 - t0 },
    };
  }

  async searchByText(words: string, options: SearchOptions): Promise<SearchOutcome> {
    checkK(options.k);
    const { offset = 0, sort = "match" } = options;
    checkPage(options.k, offset);
    const text = checkTextQuery(words);
    if (hasFeedback(options.feedback)) throw new AppError("bad_request", "positive and negative need a photo search: add a photo, or leave them out");
    const t0 = performance.now();
    const excludeIds = this.blankIds;
    const found = await this.store.searchText(text, { k: countNeeded(options.k, offset, sort), filters: options.filters, excludeIds });
    const best = found[0]?.score ?? 1;
    const hits: SearchHit[] = found.map((hit) => {
      const score = best > 0 ? hit.score / best : 1;
      return { item: hit.item, score, rankingScore: score, quality: 1, band: "excellent" };
    });
    const facets = options.facets
      ? countFacets((await this.store.searchText(text, { k: EXPLORE_MAX, excludeIds })).map((hit) => hit.item), options.filters)
      : undefined;
    const t1 = performance.now();
    return {
      hits: selectPage(hits, options.k, offset, sort),
      noCloseMatch: hits.length === 0,
      qualityCalibrated: this.quality.calibrated,
      predicted: null,
      ...(facets ? { facets } : {}),
      tookMs: { decode: 0, region: 0, embed: 0, search: t1 - t0, total: t1 - t0 },
    };
  }

  async similarTo(id: string, options: SearchOptions): Promise<SearchOutcome> {
    checkK(options.k);
    const { offset = 0, sort = "match" } = options;
    checkPage(options.k, offset);
    const t0 = performance.now();
    const entry = await this.store.get(id);
    if (!entry) throw new AppError("not_found", "No product with that id");
    const { vector, excludeIds } = await this.refineWithFeedback(entry.vector, options.feedback);
    // A catalog item's category is known: rank within it first, like a query predicted with certainty.
    const near = { excludeIds: [id, ...excludeIds], labelBoost: this.ranker.boostForLabel(entry.item.label) };
    const hits = await this.searchStore(vector, { ...near, k: countNeeded(options.k, offset, sort), filters: options.filters }, options.collapse);
    const facets = options.facets ? await this.countFacetsNear(vector, near, options.filters) : undefined;
    const t1 = performance.now();
    const rated = rateHits(hits, this.quality, near.labelBoost, options.minQuality);
    return {
      hits: sortByQuality(selectPage(rated.hits, options.k, offset, sort), sort),
      noCloseMatch: rated.noCloseMatch,
      qualityCalibrated: this.quality.calibrated,
      predicted: null,
      ...(facets ? { facets } : {}),
      tookMs: { decode: 0, region: 0, embed: 0, search: t1 - t0, total: t1 - t0 },
    };
  }

  /** The query moved by the shopper's feedback (stored vectors, no model run); disliked items are left out. */
  private async refineWithFeedback(vector: Float32Array, feedback: Feedback | undefined): Promise<{ vector: Float32Array; excludeIds: string[] }> {
    if (!hasFeedback(feedback)) return { vector, excludeIds: [] };
    const { positives, negatives } = await loadFeedbackVectors(feedback, (id) => this.store.get(id));
    return { vector: refineQueryVector(vector, positives, negatives), excludeIds: [...feedback.negative] };
  }

  /** Live filter counts: over the EXPLORE_MAX best matches without filters, ranked as the results are. */
  private async countFacetsNear(vector: Float32Array, query: Omit<StoreQuery, "k">, filters: StoreQuery["filters"]) {
    const candidates = await this.store.search(vector, { ...query, k: EXPLORE_MAX });
    return countFacets(candidates.map((hit) => hit.item), filters);
  }

  /** Store search, optionally collapsing near-identical products (over-fetches, then keeps k). */
  private async searchStore(vector: Float32Array, asked: StoreQuery, collapse: number | undefined): Promise<StoreHit[]> {
    const query = this.blankIds.length === 0 ? asked : { ...asked, excludeIds: [...(asked.excludeIds ?? []), ...this.blankIds] };
    if (collapse === undefined) return this.store.search(vector, query);
    return searchCollapsed((k) => this.store.search(vector, { ...query, k }), query.k, collapse, (hitId) => this.store.get(hitId));
  }

  imageFile(id: string): { path: string; contentType: string; etag: string } {
    const item = this.getItem(id);
    if (!item) throw new AppError("not_found", "No product with that id");
    return {
      path: imagePathFor(this.config.CATALOG_DIR, item),
      contentType: contentTypeFor(item),
      etag: `"${item.imageHash}"`,
    };
  }

  health(): HealthReport {
    const { height, width } = this.model.preprocess;
    const { indexId, indexKind, problems = [] } = this.store.info();
    return {
      ok: problems.length === 0,
      writable: problems.length === 0,
      problems,
      model: { id: this.model.id, name: this.model.name, dim: indexDimOf(this.model), input: { height, width } },
      index: { id: indexId, kind: indexKind, size: this.listed.length },
      catalogSize: this.listed.length,
    };
  }
}

function needsEmbedded(): AppError {
  return new AppError("bad_request", "This needs the embedded backend (VECTOR_BACKEND=embedded)");
}

/**
 * Loads the served model and opens the vector store for it (the catalog, its index
 * for that model and its change log). Throws `not_ready` with the command to run
 * when something has not been built yet.
 */
export async function createSearchService(config: Config, modelName = config.MODEL_NAME): Promise<SearchService> {
  const model = await resolveServedModel(config.MODELS_DIR, modelName || undefined);
  // Side by side: the ONNX session loads while the catalog and its index are read (cold start).
  const [store, embedder, quality] = await Promise.all([
    createVectorStore(config, { id: model.id, dim: indexDimOf(model) }),
    // On a thread of its own: a model run never blocks the requests, decodes and scores around it.
    ThreadedEmbedder.create(config.MODELS_DIR, model, { threads: config.ORT_THREADS }),
    loadQualityScale(config.MODELS_DIR, model),
  ]);
  const service = new EngineSearchService(config, model, embedder, store, new CategoryRanker(model), quality);
  await service.refresh();
  return service;
}

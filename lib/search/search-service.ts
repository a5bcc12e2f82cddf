import { readCatalog } from "../catalog/store";
import { contentTypeFor, imagePathFor } from "../catalog/store";
import { indexPathFor } from "../catalog/index-path";
import type { CatalogItem } from "../catalog/types";
import type { Config } from "../config";
import { Embedder } from "../embed/embedder";
import { AppError } from "../errors";
import type { FlatIndex } from "../index/flat-index";
import { loadFlatIndex } from "../index/index-file";
import { resolveServedModel, type ModelManifest } from "../model/manifest";
import { FilterMasks } from "./filter-masks";
import { CategoryRanker } from "./category-ranker";
import type { HealthReport, SearchOptions, SearchOutcome, SearchService } from "./types";

const MAX_K = 100;

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new AppError("bad_request", `k must be an integer from 1 to ${MAX_K}`);
}

/** The engine behind the app: one model, one index, one catalog, loaded once. */
class EngineSearchService implements SearchService {
  private readonly byId = new Map<string, number>();
  readonly masks: FilterMasks;

  constructor(
    private readonly config: Config,
    readonly items: readonly CatalogItem[],
    private readonly model: ModelManifest,
    private readonly embedder: Embedder,
    private readonly index: FlatIndex,
    private readonly indexId: string,
    private readonly ranker: CategoryRanker,
  ) {
    items.forEach((item, row) => this.byId.set(item.id, row));
    this.masks = new FilterMasks(items);
  }

  getItem(id: string): CatalogItem | undefined {
    const row = this.byId.get(id);
    return row === undefined ? undefined : this.items[row];
  }

  async searchByImage(bytes: Uint8Array, options: SearchOptions): Promise<SearchOutcome> {
    checkK(options.k);
    const mask = this.masks.maskFor(options.filters);
    const t0 = performance.now();
    const pixels = await this.embedder.preprocess(bytes, { maxPixels: this.config.MAX_IMAGE_PIXELS });
    const t1 = performance.now();
    const out = await this.embedder.run(pixels, 1);
    const t2 = performance.now();
    // The query's category is estimated over the whole catalog, whatever the filters.
    const neighbours = this.ranker.needsNeighbours ? this.index.search(out.embedding, this.ranker.config.neighbours) : [];
    const distribution = this.ranker.estimate(out.probabilities, neighbours);
    const hits = this.index.search(out.embedding, options.k, { mask, boost: this.ranker.boostFor(distribution) });
    const t3 = performance.now();
    return {
      hits: hits.map((hit) => ({ item: this.items[hit.row]!, score: hit.score })),
      predicted: this.ranker.predict(distribution),
      tookMs: { decode: t1 - t0, embed: t2 - t1, search: t3 - t2, total: t3 - t0 },
    };
  }

  async similarTo(id: string, options: SearchOptions): Promise<SearchOutcome> {
    checkK(options.k);
    const row = this.byId.get(id);
    if (row === undefined) throw new AppError("not_found", "No product with that id");
    const mask = this.masks.maskFor(options.filters);
    const t0 = performance.now();
    const query = this.index.vector(row);
    // A catalog item's category is known: rank within it first, like a query predicted with certainty.
    const boost = this.ranker.boostForLabel(this.items[row]!.label);
    const hits = this.index.search(query, options.k, { mask, boost, exclude: [row] });
    const t1 = performance.now();
    return {
      hits: hits.map((hit) => ({ item: this.items[hit.row]!, score: hit.score })),
      predicted: null,
      tookMs: { decode: 0, embed: 0, search: t1 - t0, total: t1 - t0 },
    };
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
    return {
      ok: true,
      model: { id: this.model.id, name: this.model.name, dim: this.model.embedding.dim, input: { height, width } },
      index: { id: this.indexId, kind: "flat", size: this.index.count },
      catalogSize: this.items.length,
    };
  }
}

/**
 * Loads the served model, the catalog and its index for that model, and checks
 * that they belong together. Throws `not_ready` with the command to run when
 * something has not been built yet.
 */
export async function createSearchService(config: Config, modelName = config.MODEL_NAME): Promise<SearchService> {
  const { items } = await readCatalog(config.CATALOG_DIR);
  const model = await resolveServedModel(config.MODELS_DIR, modelName || undefined);
  const { index, header } = await loadFlatIndex(indexPathFor(config.CATALOG_DIR, model.id)).catch((error: unknown) => {
    throw new AppError(
      "not_ready",
      `No index of ${config.CATALOG_DIR} for model ${model.name} (${model.id}): run \`npm run catalog:build\``,
      { cause: error },
    );
  });
  if (header.meta.modelId !== model.id || index.dim !== model.embedding.dim) {
    throw new AppError("not_ready", `The index was built with another model: run \`npm run catalog:build\``);
  }
  if (index.count !== items.length || items.some((item, row) => index.ids[row] !== item.id)) {
    throw new AppError("not_ready", "The index does not match the catalog's items: run `npm run catalog:build`");
  }
  const embedder = await Embedder.create(config.MODELS_DIR, model, { threads: config.ORT_THREADS });
  const ranker = new CategoryRanker(model, items);
  return new EngineSearchService(config, items, model, embedder, index, header.contentId.slice(0, 16), ranker);
}

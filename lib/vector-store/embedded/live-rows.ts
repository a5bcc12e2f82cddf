import type { CatalogItem } from "../../catalog/types";
import { AppError } from "../../errors";
import { FlatIndex } from "../../index/flat-index";
import { TextIndex } from "../../text/text-index";
import { FilterMasks } from "./filter-masks";
import { hasFilters, type StoreHit, type StoreQuery, type TextStoreQuery } from "../types";
import type { OrtScorerOptions } from "../../index/ort-scorer";
import type { LabelAnnIndex } from "../../index/label-ann";

/**
 * Whether unfiltered searches walk the generation's HNSW graphs: `auto` once they are loaded,
 * `hnsw` required at load, `flat` never (see SEARCH_INDEX in lib/config.ts).
 */
export type GraphUse = "auto" | "flat" | "hnsw";

// Below this many rows the JavaScript kernel answers in about a millisecond anyway.
const ACCELERATE_MIN_ROWS = 4096;
// The scorer keeps its own copy of the matrix: at most 128 Mi floats (512 MiB).
const ACCELERATE_MAX_FLOATS = 128 * 1024 * 1024;
// Rows must have been stable this long before a scorer is built for them.
const ACCELERATE_AFTER_MS = 2000;
// Past this many rows added or changed since the graphs were built, an exact scan is the cheaper answer.
const GRAPH_MAX_SIDE_ROWS = 2048;

/**
 * The served rows of a catalog generation plus its logged changes, in memory.
 * Rows keep the generation's order; a new id is appended, a replaced id is
 * overwritten in place and a removed id is only marked dead (and revived in place
 * when added again). So an unchanged catalog searches exactly as the plain flat
 * index does: same rows, same kernels, same ties.
 */
export class LiveRows {
  private items: CatalogItem[];
  private ids: string[];
  private vectors: Float32Array;
  private alive: Uint8Array;
  private labelOfRow: Int32Array;
  private readonly labelIds = new Map<string, number>();
  private readonly rowById = new Map<string, number>();
  private dead = 0;
  /** Rows as loaded: the rows the generation's graphs were built over. */
  private readonly baseCount: number;
  /** Base rows whose vector or label changed since load: their graph entries are stale. */
  private readonly changedBase = new Set<number>();
  private graphs: LabelAnnIndex | undefined;
  /** Bumped on every change; caches below are keyed on it. */
  private version = 0;
  /** When the rows last changed (ms since epoch); 0 for the rows as loaded. */
  private changedAt = 0;
  /** The text index of the rows, built on the first text query and then kept in step row by row. */
  private text: TextIndex | undefined;
  private cached: {
    version: number;
    index?: FlatIndex;
    masks?: FilterMasks;
    aliveMask?: Uint8Array;
    list?: CatalogItem[];
  } = { version: -1 };

  constructor(
    readonly dim: number,
    items: readonly CatalogItem[],
    vectors: Float32Array,
    /** Search large row sets with onnxruntime (undefined: the JavaScript kernel only). */
    private readonly accelerate?: OrtScorerOptions,
  ) {
    if (vectors.length !== items.length * dim) throw new AppError("internal", "Rows and vectors disagree");
    this.items = [...items];
    this.ids = items.map((item) => item.id);
    this.vectors = vectors;
    this.baseCount = items.length;
    this.alive = new Uint8Array(items.length).fill(1);
    this.labelOfRow = new Int32Array(items.length);
    items.forEach((item, row) => {
      this.rowById.set(item.id, row);
      this.labelOfRow[row] = this.labelId(item.label);
    });
  }

  get count(): number {
    return this.ids.length - this.dead;
  }

  /** The live row of an id, or undefined. */
  rowOf(id: string): number | undefined {
    const row = this.rowById.get(id);
    return row !== undefined && this.alive[row] === 1 ? row : undefined;
  }

  item(row: number): CatalogItem {
    return this.items[row]!;
  }

  /** A copy of a row's vector. */
  vector(row: number): Float32Array {
    return this.vectors.slice(row * this.dim, (row + 1) * this.dim);
  }

  /** Live records in row order (cached until the next change). */
  list(): CatalogItem[] {
    const cache = this.cache();
    cache.list ??= this.dead === 0 ? [...this.items] : this.items.filter((_, row) => this.alive[row] === 1);
    return cache.list;
  }

  /** Adds a product or replaces the one with the same id. */
  put(item: CatalogItem, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new AppError("bad_request", `Vector has ${vector.length} floats, expected ${this.dim}`);
    let row = this.rowById.get(item.id);
    if (row === undefined) {
      row = this.ids.length;
      this.grow(row + 1);
      this.ids.push(item.id);
      this.items.push(item);
      this.rowById.set(item.id, row);
    } else {
      if (this.alive[row] === 0) this.dead--;
      this.items[row] = item;
      if (row < this.baseCount) this.changedBase.add(row);
    }
    this.alive[row] = 1;
    this.labelOfRow[row] = this.labelId(item.label);
    this.vectors.set(vector, row * this.dim);
    this.text?.set(row, item);
    this.touch();
  }

  /** Replaces a live row's record (same id), keeping its vector. */
  replaceItem(row: number, item: CatalogItem): void {
    if (row < this.baseCount && item.label !== this.items[row]!.label) this.changedBase.add(row);
    this.items[row] = item;
    this.labelOfRow[row] = this.labelId(item.label);
    this.text?.set(row, item);
    this.touch();
  }

  /** Marks an id dead; returns whether it was live. */
  remove(id: string): boolean {
    const row = this.rowOf(id);
    if (row === undefined) return false;
    this.alive[row] = 0;
    this.dead++;
    this.text?.delete(row);
    this.touch();
    return true;
  }

  /** Live rows as a compact table (for compaction): records and vectors in row order. */
  snapshot(): { items: CatalogItem[]; vectors: Float32Array } {
    const items = this.list();
    if (this.dead === 0) return { items, vectors: this.vectors.slice(0, this.ids.length * this.dim) };
    const vectors = new Float32Array(items.length * this.dim);
    let out = 0;
    for (let row = 0; row < this.ids.length; row++) {
      if (this.alive[row] === 0) continue;
      vectors.set(this.vectors.subarray(row * this.dim, (row + 1) * this.dim), out * this.dim);
      out++;
    }
    return { items, vectors };
  }

  /** Walks graphs built over the rows as loaded (same vectors and labels) for unfiltered searches from now on. */
  useGraphs(graphs: LabelAnnIndex): void {
    if (graphs.count !== this.baseCount || graphs.dim !== this.dim) throw new AppError("internal", "The search graphs do not match the loaded rows");
    this.graphs = graphs;
  }

  /** Whether unfiltered searches walk graphs now (else every search scans exactly). */
  get walksGraphs(): boolean {
    return this.graphs !== undefined;
  }

  /**
   * Search over the live rows; see StoreQuery. Unfiltered searches walk the graphs when
   * there are some (approximate: lib/index/label-ann.ts); the rest scan exactly. Large,
   * settled row sets are scanned by an onnxruntime scorer (FlatIndex.searchAsync), built
   * in the background once no change has come for a while.
   */
  async search(vector: Float32Array, query: StoreQuery): Promise<StoreHit[]> {
    const cache = this.cache();
    const n = this.ids.length;
    cache.index ??= new FlatIndex(this.dim, this.ids.slice(), this.vectors.subarray(0, n * this.dim));
    const walked = this.searchGraphs(cache.index, vector, query);
    if (walked) return walked;
    this.maybeAccelerate(cache.index);
    let mask = this.rowMask(query);
    if (query.text !== undefined) {
      const matched = new Uint8Array(n);
      for (const { row } of this.textIndex().match(query.text, mask ? (r) => mask![r] === 1 : undefined)) matched[row] = 1;
      mask = matched;
    }
    const exclude = this.excludedRows(query.excludeIds);
    const boost = query.labelBoost ? this.boostFor(query.labelBoost, n) : undefined;
    const hits = await cache.index.searchAsync(vector, query.k, { mask, boost, exclude });
    return hits.map((hit) => ({ item: this.items[hit.row]!, score: hit.score }));
  }

  /** The graph walk of an unfiltered search, or undefined when it must scan (filters, words, no graphs, many changes). */
  private searchGraphs(index: FlatIndex, vector: Float32Array, query: StoreQuery): StoreHit[] | undefined {
    const graphs = this.graphs;
    if (!graphs || hasFilters(query.filters) || query.text !== undefined) return undefined;
    const side: number[] = [];
    for (const row of this.changedBase) if (this.alive[row] === 1) side.push(row);
    for (let row = this.baseCount; row < this.ids.length; row++) if (this.alive[row] === 1) side.push(row);
    if (side.length > GRAPH_MAX_SIDE_ROWS) return undefined;
    const settled = this.dead === 0 && this.changedBase.size === 0;
    const top = graphs.search(vector, {
      k: query.k,
      boost: query.labelBoost,
      exclude: new Set(this.excludedRows(query.excludeIds)),
      usable: settled ? undefined : (row) => this.alive[row] === 1 && !this.changedBase.has(row),
      extraRows: side,
      score: (row) => index.score(vector, row),
      labelOf: (row) => this.items[row]!.label,
    });
    return top.map((hit) => ({ item: this.items[hit.row]!, score: hit.score }));
  }

  /** Live rows matching every term of `text` under the filters, best BM25 score first; `score` is that BM25 score. */
  searchText(text: string, query: TextStoreQuery): StoreHit[] {
    const mask = this.rowMask(query);
    const excluded = new Set(this.excludedRows(query.excludeIds));
    const accept = (row: number) => (mask === undefined || mask[row] === 1) && !excluded.has(row);
    return this.textIndex()
      .match(text, accept)
      .slice(0, query.k)
      .map(({ row, score }) => ({ item: this.items[row]!, score }));
  }

  private textIndex(): TextIndex {
    this.text ??= TextIndex.build(this.items, (row) => this.alive[row] === 0);
    return this.text;
  }

  /** The rows a query may return by its filters and liveness (undefined: every row). */
  private rowMask(query: Pick<StoreQuery, "filters">): Uint8Array | undefined {
    const cache = this.cache();
    const n = this.ids.length;
    let mask: Uint8Array | undefined;
    if (hasFilters(query.filters)) {
      cache.masks ??= new FilterMasks(this.items);
      mask = cache.masks.maskFor(query.filters);
    }
    if (this.dead > 0) {
      cache.aliveMask ??= this.alive.slice(0, n);
      mask = mask ? mask.map((m, row) => m & this.alive[row]!) : cache.aliveMask;
    }
    return mask;
  }

  private excludedRows(ids: readonly string[] | undefined): number[] {
    return (ids ?? []).flatMap((id) => {
      const row = this.rowById.get(id);
      return row === undefined ? [] : [row];
    });
  }

  /**
   * Starts the onnxruntime scorer for `index` when it is worth it: enough rows to
   * matter, a matrix it can copy, and rows unchanged for ACCELERATE_AFTER_MS (a bulk
   * import would otherwise rebuild it after every row).
   */
  private maybeAccelerate(index: FlatIndex): void {
    if (!this.accelerate || index.count < ACCELERATE_MIN_ROWS || index.vectors.length > ACCELERATE_MAX_FLOATS) return;
    if (Date.now() - this.changedAt < ACCELERATE_AFTER_MS) return;
    void index.prepareAccelerated(this.accelerate);
  }

  private boostFor(labelBoost: Readonly<Record<string, number>>, n: number): Float32Array {
    const table = new Float32Array(this.labelIds.size);
    for (const [label, id] of this.labelIds) table[id] = labelBoost[label] ?? 0;
    const boost = new Float32Array(n);
    for (let row = 0; row < n; row++) boost[row] = table[this.labelOfRow[row]!]!;
    return boost;
  }

  private labelId(label: string): number {
    let id = this.labelIds.get(label);
    if (id === undefined) {
      id = this.labelIds.size;
      this.labelIds.set(label, id);
    }
    return id;
  }

  private touch(): void {
    this.version++;
    this.changedAt = Date.now();
  }

  private cache(): LiveRows["cached"] {
    if (this.cached.version !== this.version) {
      this.cached.index?.releaseAccelerated();
      this.cached = { version: this.version };
    }
    return this.cached;
  }

  /** Makes room for `rows` rows, growing geometrically so appends stay amortised O(dim). */
  private grow(rows: number): void {
    if (rows * this.dim <= this.vectors.length && rows <= this.alive.length) return;
    const capacity = Math.max(rows, Math.ceil(this.ids.length * 1.25) + 64);
    const vectors = new Float32Array(capacity * this.dim);
    vectors.set(this.vectors.subarray(0, this.ids.length * this.dim));
    this.vectors = vectors;
    const alive = new Uint8Array(capacity);
    alive.set(this.alive.subarray(0, this.ids.length));
    this.alive = alive;
    const labels = new Int32Array(capacity);
    labels.set(this.labelOfRow.subarray(0, this.ids.length));
    this.labelOfRow = labels;
  }
}

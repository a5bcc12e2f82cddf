import { promises as fs } from "node:fs";
import { readCurrentGeneration } from "../../catalog/generations";
import { indexPathFor } from "../../catalog/index-path";
import { readCatalog } from "../../catalog/store";
import { catalogItemSchema, type CatalogItem } from "../../catalog/types";
import { AppError } from "../../errors";
import { loadFlatIndex } from "../../index/index-file";
import { appendChangeLog, changeLogPaths, decodeVector, encodeVector, readChangeLog, type ChangeRecord } from "./change-log";
import { LiveRows } from "./live-rows";
import type { CompactResult, StoredEntry, StoreHit, StoreInfo, StorePatch, StoreQuery, StoreSnapshot, VectorStore } from "../types";
import { foldGeneration } from "./compact";
import { withFileLock } from "./log-lock";

/** How long a process keeps serving its generation after a newer one failed to load, before trying again. */
const RELOAD_RETRY_MS = 5_000;

/** One loaded generation: its rows plus how far its change log has been applied. */
type Loaded = {
  generation: string | null;
  generationDir: string;
  /** Content id of the generation's index (first 16 hex digits). */
  indexId: string;
  rows: LiveRows;
  /** Byte offset up to which the log is applied. */
  offset: number;
  /** Set once compaction folded this generation into a newer one. */
  sealed: boolean;
  /** Serialises log reads and writes of this process, so no record is applied out of order. */
  chain: Promise<unknown>;
  /** True while a write holds the chain: refreshes skip instead of queueing behind another process's lock. */
  writing: boolean;
};

export type EmbeddedStoreInfo = StoreInfo & { generation: string | null; logBytes: number };

/**
 * The embedded VectorStore: the served generation's flat index in memory plus its
 * crash-safe change log (./change-log.ts). Writes take the log's file lock,
 * first apply what other processes appended, then append + fsync, then apply, so
 * server and CLI can write the same catalog. `refresh()` (one stat and one small
 * read per call) picks up other writers' changes and generation flips.
 */
export type EmbeddedStoreOptions = {
  /** Search large catalogs with the onnxruntime scorer (lib/index/ort-scorer.ts); off by default. */
  accelerate?: { threads?: number };
};

export class EmbeddedStore implements VectorStore {
  readonly backend = "embedded" as const;

  private constructor(
    private readonly catalogDir: string,
    private readonly modelId: string,
    readonly dim: number,
    private state: Loaded,
    private readonly options: EmbeddedStoreOptions,
  ) {}

  /** Opens the served generation of `catalogDir` for a model and replays its change log. */
  static async open(catalogDir: string, model: { id: string; dim: number }, options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    const state = await loadGeneration(catalogDir, model, options);
    return new EmbeddedStore(catalogDir, model.id, model.dim, state, options);
  }

  /** Which generation is served and how much log it carries; every search is exact (flat). */
  info(): EmbeddedStoreInfo {
    return { indexId: this.state.indexId, indexKind: "flat", generation: this.state.generation, logBytes: this.state.offset };
  }

  /** The live records and their vectors, compact and in row order (for reports). */
  snapshot(): StoreSnapshot {
    return this.state.rows.snapshot();
  }

  /**
   * Folds the served generation and its change log into a new generation (see
   * foldGeneration), holding the log's lock throughout, then moves over to it.
   */
  async compact(model: { id: string; name: string }): Promise<CompactResult> {
    const started = performance.now();
    const result = await this.withLatest((state) =>
      foldGeneration(
        { catalogDir: this.catalogDir, generation: state.generation, generationDir: state.generationDir, offset: state.offset, dim: this.dim, snapshot: () => state.rows.snapshot() },
        model,
      ),
    );
    await this.refresh();
    return { ...result, ms: performance.now() - started };
  }

  /** The directory of the served generation (where its log lives). */
  get generationDir(): string {
    return this.state.generationDir;
  }

  /**
   * Applies changes other processes made since the last call: new log records, or a new
   * generation (compaction, catalog rebuild). Returns true when anything changed.
   */
  async refresh(): Promise<boolean> {
    const generation = await readCurrentGeneration(this.catalogDir).catch(() => this.state.generation);
    if (generation !== this.state.generation || this.state.sealed) {
      // A generation that fails to load (say, built for another model) must not take search down:
      // keep serving the loaded one, say why, and try again a little later.
      if (Date.now() < this.retryReloadAt) return false;
      this.reloading ??= loadGeneration(this.catalogDir, { id: this.modelId, dim: this.dim }, this.options)
        .then((state) => {
          this.state = state;
          return true;
        })
        .catch((error: unknown) => {
          this.retryReloadAt = Date.now() + RELOAD_RETRY_MS;
          console.warn(`[catalog] keeps serving generation ${this.state.generation ?? "(legacy)"}: the new one does not load:`, error);
          return false;
        })
        .finally(() => {
          this.reloading = undefined;
        });
      return this.reloading;
    }
    const state = this.state;
    const { log } = changeLogPaths(state.generationDir);
    const size = await fs.stat(log).then((s) => s.size, () => 0);
    if (size <= state.offset || state.writing) return false;
    return (await exclusive(state, () => catchUp(state))) > 0;
  }

  private reloading: Promise<boolean> | undefined;
  private retryReloadAt = 0;

  async count(): Promise<number> {
    return this.state.rows.count;
  }

  async get(id: string): Promise<StoredEntry | undefined> {
    const { rows } = this.state;
    const row = rows.rowOf(id);
    return row === undefined ? undefined : { item: rows.item(row), vector: rows.vector(row) };
  }

  async listItems(): Promise<CatalogItem[]> {
    return this.state.rows.list();
  }

  async upsert(entries: readonly StoredEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const checked = entries.map((entry) => ({ item: parseItem(entry.item), vector: checkVector(entry.vector, this.dim) }));
    if (new Set(checked.map((e) => e.item.id)).size !== checked.length) throw new AppError("bad_request", "An id appears twice in one batch");
    const at = new Date().toISOString();
    await this.write(() => ({ op: "upsert", at, entries: checked.map((e) => ({ item: e.item, vector: encodeVector(e.vector) })) }));
  }

  async update(id: string, patch: StorePatch): Promise<CatalogItem> {
    let updated: CatalogItem | undefined;
    await this.write((state) => {
      const row = state.rows.rowOf(id);
      if (row === undefined) throw new AppError("not_found", `No product with id ${id}`);
      const current = state.rows.item(row);
      updated = parseItem({ ...current, ...patch, id: current.id, imageHash: current.imageHash, imageExt: current.imageExt, width: current.width, height: current.height });
      return { op: "update", at: new Date().toISOString(), item: updated };
    });
    return updated!;
  }

  async remove(ids: readonly string[]): Promise<number> {
    let existing: string[] = [];
    await this.write((state) => {
      existing = [...new Set(ids)].filter((id) => state.rows.rowOf(id) !== undefined);
      return existing.length === 0 ? undefined : { op: "remove", at: new Date().toISOString(), ids: existing };
    });
    return existing.length;
  }

  async search(vector: Float32Array, query: StoreQuery): Promise<StoreHit[]> {
    checkVector(vector, this.dim);
    return await this.state.rows.search(vector, query);
  }

  async close(): Promise<void> {}

  /**
   * Runs `work` under the generation's lock with every logged change applied, so it
   * validates against the latest state. Used by writes and by compaction.
   */
  private async withLatest<T>(work: (state: Readonly<Loaded>) => Promise<T>): Promise<T> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const state = this.state;
      const { lock } = changeLogPaths(state.generationDir);
      const outcome = await withFileLock(lock, () =>
        exclusive(state, async () => {
          state.writing = true;
          try {
            await catchUp(state);
            // A compaction that died between flipping CURRENT and sealing leaves no seal: check CURRENT too.
            if (state.sealed || (await readCurrentGeneration(this.catalogDir)) !== state.generation) return { retry: true as const };
            return { retry: false as const, value: await work(state) };
          } finally {
            state.writing = false;
          }
        }),
      );
      if (!outcome.retry) return outcome.value;
      // Compacted meanwhile: move to the new generation and try there.
      await this.refresh();
    }
    throw new AppError("overloaded", "The catalog kept changing generation; try again");
  }

  private async write(build: (state: Loaded) => ChangeRecord | undefined): Promise<void> {
    await this.withLatest(async (state) => {
      const record = build(state as Loaded);
      if (!record) return;
      const { log } = changeLogPaths(state.generationDir);
      const mutable = state as Loaded;
      mutable.offset = await appendChangeLog(log, state.offset, [record]);
      applyRecord(mutable, record, this.dim);
    });
  }
}

async function loadGeneration(catalogDir: string, model: { id: string; dim: number }, options: EmbeddedStoreOptions): Promise<Loaded> {
  const { items, generation, generationDir } = await readCatalog(catalogDir);
  const { index, header } = await loadFlatIndex(indexPathFor(generationDir, model.id)).catch((error: unknown) => {
    throw new AppError("not_ready", `No index of ${catalogDir} for model ${model.id}: run \`npm run catalog:build\``, { cause: error });
  });
  if (header.meta.modelId !== model.id || index.dim !== model.dim) {
    throw new AppError("not_ready", "The index was built with another model: run `npm run catalog:build`");
  }
  if (index.count !== items.length || items.some((item, row) => index.ids[row] !== item.id)) {
    throw new AppError("not_ready", "The index does not match the catalog's items: run `npm run catalog:build`");
  }
  const state: Loaded = {
    generation,
    generationDir,
    indexId: header.contentId.slice(0, 16),
    rows: new LiveRows(index.dim, items, index.vectors, options.accelerate),
    offset: 0,
    sealed: false,
    chain: Promise.resolve(),
    writing: false,
  };
  await catchUp(state);
  return state;
}

/** Runs `work` after every earlier log read or write of this generation in this process. */
function exclusive<T>(state: Loaded, work: () => Promise<T>): Promise<T> {
  const run = state.chain.then(work);
  state.chain = run.catch(() => {});
  return run;
}

/** Applies the log records past `state.offset`; returns how many. Call inside `exclusive`. */
async function catchUp(state: Loaded): Promise<number> {
  const { log } = changeLogPaths(state.generationDir);
  const read = await readChangeLog(log, state.offset);
  for (const record of read.records) applyRecord(state, record, state.rows.dim);
  state.offset = read.end;
  return read.records.length;
}

function applyRecord(state: Loaded, record: ChangeRecord, dim: number): void {
  const { rows } = state;
  switch (record.op) {
    case "upsert":
      for (const entry of record.entries) rows.put(entry.item, decodeVector(entry.vector, dim));
      return;
    case "update": {
      const row = rows.rowOf(record.item.id);
      if (row !== undefined) rows.replaceItem(row, record.item);
      return;
    }
    case "remove":
      for (const id of record.ids) rows.remove(id);
      return;
    case "sealed":
      state.sealed = true;
      return;
  }
}

function parseItem(item: unknown): CatalogItem {
  const parsed = catalogItemSchema.safeParse(item);
  if (!parsed.success) throw new AppError("bad_request", `Invalid product record: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

function checkVector(vector: Float32Array, dim: number): Float32Array {
  if (vector.length !== dim) throw new AppError("bad_request", `Vector has ${vector.length} floats, expected ${dim}`);
  for (let i = 0; i < dim; i++) if (!Number.isFinite(vector[i]!)) throw new AppError("bad_request", "Vector has a non-finite value");
  return vector;
}

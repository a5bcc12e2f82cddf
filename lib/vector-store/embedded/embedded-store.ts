import { promises as fs } from "node:fs";
import { readCurrentGeneration } from "../../catalog/generations";
import { catalogItemSchema, type CatalogItem } from "../../catalog/types";
import { AppError } from "../../errors";
import type {
  CompactResult, StoreChange, StoredEntry, StoreHit, StoreInfo, StoreQuery, StoreReader, StoreSnapshot, TextStoreQuery, UpsertOptions, UpsertStatus, VectorStore,
} from "../types";
import { appendChangeLog, changeLogPaths, encodeVector, type ChangeRecord } from "./change-log";
import { foldGeneration } from "./compact";
import { applyRecord, catchUp, exclusive, isSameLog, loadGeneration, problemsOf, readOnlyError, type Loaded } from "./loaded-generation";
import type { LogFileSystem } from "./log-file";
import { withFileLock } from "./log-lock";
import type { OrtScorerOptions } from "../../index/ort-scorer";
import type { GraphUse } from "./live-rows";

/** How long a process keeps serving its generation after a newer one failed to load, before trying again. */
const RELOAD_RETRY_MS = 5_000;

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
  accelerate?: OrtScorerOptions;
  /** Unfiltered searches walk the generation's HNSW graphs (lib/index/label-ann.ts): see GraphUse; `flat` by default. */
  graphs?: GraphUse;
  /** The file operations of the change-log writer (default: node:fs); a test passes a failing one. */
  logFs?: LogFileSystem;
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

  /** Which generation is served, how much log it carries, whether that log is sound, and whether unfiltered searches walk graphs (hnsw) or scan (flat). */
  info(): EmbeddedStoreInfo {
    const { state } = this;
    const indexKind = state.rows.walksGraphs ? "hnsw" : "flat";
    return { indexId: state.indexId, indexKind, generation: state.generation, logBytes: state.offset, problems: problemsOf(state) };
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
        { catalogDir: this.catalogDir, generation: state.generation, generationDir: state.generationDir, offset: state.offset, dim: this.dim, snapshot: () => state.rows.snapshot(), logFs: this.options.logFs },
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
    // A corrupt log is not re-read on every request; a repaired one (a new file) is loaded afresh.
    const repaired = this.state.corruption !== undefined && !(await isSameLog(this.state));
    if (generation !== this.state.generation || this.state.sealed || repaired) {
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
    if (size <= state.offset || state.writing || state.corruption) return false;
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

  async upsert(entries: readonly StoredEntry[], options: UpsertOptions = {}): Promise<UpsertStatus[]> {
    if (entries.length === 0) return [];
    const checked = entries.map((entry) => ({ item: parseItem(entry.item), vector: checkVector(entry.vector, this.dim) }));
    if (new Set(checked.map((e) => e.item.id)).size !== checked.length) throw new AppError("bad_request", "An id appears twice in one batch");
    return this.withLatest(async (state) => {
      const unchanged = (await options.guard?.(readerOf(state))) ?? new Set<string>();
      const statuses = checked.map((e): UpsertStatus => (unchanged.has(e.item.id) ? "unchanged" : state.rows.rowOf(e.item.id) === undefined ? "added" : "replaced"));
      const written = checked.filter((e) => !unchanged.has(e.item.id));
      if (written.length > 0) {
        await this.append(state, { op: "upsert", at: new Date().toISOString(), entries: written.map((e) => ({ item: e.item, vector: encodeVector(e.vector) })) });
      }
      return statuses;
    });
  }

  async update(id: string, change: StoreChange): Promise<CatalogItem> {
    return this.withLatest(async (state) => {
      const row = state.rows.rowOf(id);
      if (row === undefined) throw new AppError("not_found", `No product with id ${id}`);
      const current = state.rows.item(row);
      const patch = typeof change === "function" ? change(current) : change;
      const updated = parseItem({ ...current, ...patch, id: current.id, imageHash: current.imageHash, imageExt: current.imageExt, width: current.width, height: current.height });
      await this.append(state, { op: "update", at: new Date().toISOString(), item: updated });
      return updated;
    });
  }

  async remove(ids: readonly string[]): Promise<number> {
    return this.withLatest(async (state) => {
      const existing = [...new Set(ids)].filter((id) => state.rows.rowOf(id) !== undefined);
      if (existing.length > 0) await this.append(state, { op: "remove", at: new Date().toISOString(), ids: existing });
      return existing.length;
    });
  }

  async search(vector: Float32Array, query: StoreQuery): Promise<StoreHit[]> {
    checkVector(vector, this.dim);
    return await this.state.rows.search(vector, query);
  }

  async searchText(text: string, query: TextStoreQuery): Promise<StoreHit[]> {
    return this.state.rows.searchText(text, query);
  }

  async close(): Promise<void> {}

  /**
   * Runs `work` under the generation's lock with every logged change applied, so it
   * validates against the latest state. Used by writes and by compaction; refused
   * (`storage_unavailable`) while the log is corrupt.
   */
  private async withLatest<T>(work: (state: Loaded) => Promise<T>): Promise<T> {
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
            if (state.corruption) {
              if (await isSameLog(state)) throw readOnlyError(state.corruption);
              return { retry: true as const }; // Repaired meanwhile: reload and write there.
            }
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

  /** Appends one record (all or nothing, see appendChangeLog) and applies it. Call inside withLatest. */
  private async append(state: Loaded, record: ChangeRecord): Promise<void> {
    const { log } = changeLogPaths(state.generationDir);
    state.offset = await appendChangeLog(log, state.offset, [record], this.options.logFs);
    state.records++;
    applyRecord(state, record);
  }
}

/** Reads of the locked, caught-up state, for a write's guard. */
function readerOf(state: Loaded): StoreReader {
  return {
    get: async (id) => {
      const row = state.rows.rowOf(id);
      return row === undefined ? undefined : { item: state.rows.item(row), vector: state.rows.vector(row) };
    },
    search: (vector, query) => state.rows.search(vector, query),
  };
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

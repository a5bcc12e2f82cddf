import pg from "pg";
import { z } from "zod";
import { catalogItemSchema, type CatalogItem } from "../catalog/types";
import { AppError } from "../errors";
import {
  ensureSchema, parseVectorText, tableNamesFor, toCatalogItem, toVectorText, filterColumns, vectorIndexSql, type PgTableNames,
} from "./pgvector-schema";
import { buildGroupsSql, buildTextSql, searchWithBoost, toGroupPages, type GroupRequest } from "./pgvector-search";
import type { StoreChange, StoreHit, StoredEntry, StoreInfo, StoreQuery, TextStoreQuery, UpsertOptions, UpsertStatus, VectorStore } from "./types";

export type PgVectorStoreOptions = {
  /** postgres://user:password@host:port/database (DATABASE_URL). */
  connectionString: string;
  /** The served model: its id names the table, its dimension sizes the vector column. */
  modelId: string;
  dim: number;
  /** Pool size (DATABASE_POOL_MAX); PGlite serves a single connection. */
  maxConnections?: number;
  /** HNSW candidate list per query; raised to 2 × the page size when that is larger (pgvector caps it at 1000). */
  efSearch?: number;
  /** Milliseconds to wait for a connection before answering `not_ready`. */
  connectTimeoutMs?: number;
};

// Rows per INSERT statement: one unnest() over column arrays, so the parameter count stays fixed.
const UPSERT_BATCH = 500;
const DEFAULT_EF_SEARCH = 100;
const MAX_EF_SEARCH = 1000;

const optionsSchema = z.object({
  connectionString: z.string().min(1, "DATABASE_URL is empty"),
  modelId: z.string().min(1),
  dim: z.number().int().positive(),
  maxConnections: z.number().int().positive().default(10),
  efSearch: z.number().int().min(1).max(MAX_EF_SEARCH).default(DEFAULT_EF_SEARCH),
  connectTimeoutMs: z.number().int().positive().default(5000),
});

const filtersSchema = z.object(Object.fromEntries(Object.keys(filterColumns).map((k) => [k, z.string().optional()]))).strict();
const querySchema = z.object({
  k: z.number().int().positive(),
  filters: filtersSchema.optional(),
  excludeIds: z.array(z.string()).optional(),
  labelBoost: z.record(z.string(), z.number().finite()).optional(),
  text: z.string().min(1).optional(),
});
const textQuerySchema = querySchema.omit({ labelBoost: true, text: true });
const patchSchema = catalogItemSchema.omit({ id: true, imageHash: true, imageExt: true, width: true, height: true }).partial().strict();
const idsSchema = z.array(z.string().min(1));

/**
 * The catalog in Postgres with pgvector: one table per model id, an HNSW index
 * (cosine) for the vectors and btree indexes on the filter columns, so several
 * stateless app instances can share one catalog. Open it with `PgVectorStore.open`.
 */
export class PgVectorStore implements VectorStore {
  readonly backend = "pgvector" as const;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly names: PgTableNames,
    readonly dim: number,
    private readonly efSearch: number,
    private readonly where: string,
  ) {}

  /** Connects, creates the schema when missing and checks it matches the model; `not_ready` when the database cannot serve. */
  static async open(options: PgVectorStoreOptions): Promise<PgVectorStore> {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) throw new AppError("bad_request", `Invalid pgvector store options: ${z.prettifyError(parsed.error)}`);
    const o = parsed.data;
    const names = tableNamesFor(o.modelId);
    const where = describeTarget(o.connectionString);
    const pool = new pg.Pool({ connectionString: o.connectionString, max: o.maxConnections, connectionTimeoutMillis: o.connectTimeoutMs });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on("error", () => undefined);
    const store = new PgVectorStore(pool, names, o.dim, o.efSearch, where);
    try {
      await store.withClient((client) => ensureSchema(client, names, o.modelId, o.dim));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  /**
   * Unfiltered searches walk the HNSW graph; pgvector builds none past HNSW_MAX_DIM
   * (the 2048-d backbone), where every search is an exact scan.
   */
  info(): StoreInfo {
    return { indexId: this.backend, indexKind: vectorIndexSql(this.names, this.dim) ? "hnsw" : "flat" };
  }

  async count(): Promise<number> {
    const result = await this.run<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.names.table}`);
    return result.rows[0]?.n ?? 0;
  }

  async get(id: string): Promise<StoredEntry | undefined> {
    return this.withClient((client) => this.getWith(client, id));
  }

  private async getWith(client: pg.PoolClient, id: string): Promise<StoredEntry | undefined> {
    const result = await client.query<{ item: unknown; embedding: string }>(
      `SELECT item, embedding::text AS embedding FROM ${this.names.table} WHERE id = $1`,
      [checkId(id)],
    );
    const row = result.rows[0];
    return row ? { item: toCatalogItem(row.item), vector: parseVectorText(row.embedding, this.dim) } : undefined;
  }

  async listItems(): Promise<CatalogItem[]> {
    const result = await this.run<{ item: unknown }>(`SELECT item FROM ${this.names.table} ORDER BY seq`);
    return result.rows.map((row) => toCatalogItem(row.item));
  }

  async upsert(entries: readonly StoredEntry[], options: UpsertOptions = {}): Promise<UpsertStatus[]> {
    const checked = entries.map((entry, i) => this.checkEntry(entry, i));
    const ids = new Set<string>();
    for (const { item } of checked) {
      if (ids.has(item.id)) throw new AppError("bad_request", `Item ${item.id} appears twice in one upsert`);
      ids.add(item.id);
    }
    if (checked.length === 0) return [];
    const t = this.names.table;
    // Unchanged rows are left alone (no dead tuples, no HNSW churn), so re-running a sync is cheap.
    const sql = `INSERT INTO ${t} (id, article_type, master_category, gender, base_colour, label, item, embedding)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::vector[])
      ON CONFLICT (id) DO UPDATE SET article_type = EXCLUDED.article_type, master_category = EXCLUDED.master_category,
        gender = EXCLUDED.gender, base_colour = EXCLUDED.base_colour, label = EXCLUDED.label,
        item = EXCLUDED.item, embedding = EXCLUDED.embedding
      WHERE (${t}.item, ${t}.embedding) IS DISTINCT FROM (EXCLUDED.item, EXCLUDED.embedding)`;
    return this.transaction(async (client) => {
      // Writers take one transaction-scoped lock, so a guard's check and the write below see no other
      // writer in between; under READ COMMITTED every earlier writer's rows are visible to the guard.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [t]);
      const unchanged = (await options.guard?.({ get: (id) => this.getWith(client, id), search: (vector, query) => this.search(vector, query) })) ?? new Set<string>();
      const found = await client.query<{ id: string }>(`SELECT id FROM ${t} WHERE id = ANY($1::text[])`, [checked.map((e) => e.item.id)]);
      const existing = new Set(found.rows.map((row) => row.id));
      const written = checked.filter((e) => !unchanged.has(e.item.id));
      for (let start = 0; start < written.length; start += UPSERT_BATCH) {
        const batch = written.slice(start, start + UPSERT_BATCH);
        await client.query(sql, [
          batch.map((e) => e.item.id),
          batch.map((e) => e.item.articleType),
          batch.map((e) => e.item.masterCategory),
          batch.map((e) => e.item.gender),
          batch.map((e) => e.item.baseColour),
          batch.map((e) => e.item.label),
          batch.map((e) => JSON.stringify(e.item)),
          batch.map((e) => toVectorText(e.vector)),
        ]);
      }
      return checked.map((e): UpsertStatus => (unchanged.has(e.item.id) ? "unchanged" : existing.has(e.item.id) ? "replaced" : "added"));
    });
  }

  async update(id: string, change: StoreChange): Promise<CatalogItem> {
    const t = this.names.table;
    return this.transaction(async (client) => {
      const found = await client.query<{ item: unknown }>(`SELECT item FROM ${t} WHERE id = $1 FOR UPDATE`, [checkId(id)]);
      const row = found.rows[0];
      if (!row) throw new AppError("not_found", `No product with id ${id}`);
      const current = toCatalogItem(row.item);
      const parsedPatch = patchSchema.safeParse(typeof change === "function" ? change(current) : change);
      if (!parsedPatch.success) throw new AppError("bad_request", `Invalid update: ${z.prettifyError(parsedPatch.error)}`);
      const item = catalogItemSchema.parse({ ...current, ...parsedPatch.data });
      await client.query(
        `UPDATE ${t} SET article_type = $2, master_category = $3, gender = $4, base_colour = $5, label = $6, item = $7::jsonb WHERE id = $1`,
        [item.id, item.articleType, item.masterCategory, item.gender, item.baseColour, item.label, JSON.stringify(item)],
      );
      return item;
    });
  }

  async remove(ids: readonly string[]): Promise<number> {
    const checked = idsSchema.safeParse(ids);
    if (!checked.success) throw new AppError("bad_request", `Invalid ids: ${z.prettifyError(checked.error)}`);
    if (checked.data.length === 0) return 0;
    const result = await this.run(`DELETE FROM ${this.names.table} WHERE id = ANY($1::text[])`, [checked.data]);
    return result.rowCount ?? 0;
  }

  async search(vector: Float32Array, query: StoreQuery): Promise<StoreHit[]> {
    this.checkVector(vector, "Query vector");
    const parsed = querySchema.safeParse(query);
    if (!parsed.success) throw new AppError("bad_request", `Invalid search: ${z.prettifyError(parsed.error)}`);
    const { k, filters, excludeIds, labelBoost = {}, text: words } = parsed.data;
    const text = toVectorText(vector);
    return this.withClient(async (client) => {
      const runGroups = async (requests: readonly GroupRequest[]) => {
        const { sql, params } = buildGroupsSql(this.names.table, { filters, excludeIds, text: words }, requests);
        const largest = Math.max(...requests.map((r) => r.limit));
        const efSearch = Math.min(MAX_EF_SEARCH, Math.max(this.efSearch, 2 * largest));
        // SET LOCAL scopes the settings to this transaction, so pooled connections never leak them.
        await client.query("BEGIN");
        try {
          await client.query(`SET LOCAL hnsw.ef_search = ${efSearch}`);
          // pgvector 0.8: keep walking the graph until enough rows pass the filters.
          await client.query("SET LOCAL hnsw.iterative_scan = relaxed_order");
          const result = await client.query<{ grp: number; seq: string; item: unknown; distance: number }>(sql, [text, ...params]);
          await client.query("COMMIT");
          return toGroupPages(result.rows, requests.length);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      };
      const found = await searchWithBoost(k, labelBoost, runGroups);
      return found.map((c) => ({ item: c.item, score: c.cosine }));
    });
  }

  /** Full-text search in Postgres (buildTextSql): every term must match, best ts_rank first. */
  async searchText(text: string, query: TextStoreQuery): Promise<StoreHit[]> {
    const parsed = textQuerySchema.safeParse(query);
    if (!parsed.success) throw new AppError("bad_request", `Invalid search: ${z.prettifyError(parsed.error)}`);
    const { k, filters, excludeIds } = parsed.data;
    const { sql, params } = buildTextSql(this.names.table, { filters, excludeIds, text }, k);
    const result = await this.run<{ seq: string; item: unknown; rank: number }>(sql, params);
    return result.rows.map((row) => ({ item: toCatalogItem(row.item), score: Number(row.rank) }));
  }

  /**
   * Drops the HNSW index: loading an empty table and indexing afterwards is much faster than
   * maintaining the graph row by row. Searches stay correct (exact scans) until it is rebuilt.
   */
  async dropVectorIndex(): Promise<void> {
    await this.run(`DROP INDEX IF EXISTS ${this.names.hnsw}`);
  }

  /** Builds the HNSW index when it is missing (after `dropVectorIndex` and a bulk load). */
  async createVectorIndex(): Promise<void> {
    await this.transaction(async (client) => {
      // The build is fastest when the whole graph fits in maintenance memory (about 60 MB for 40K × 256-d).
      await client.query("SET LOCAL maintenance_work_mem = '256MB'");
      const indexSql = vectorIndexSql(this.names, this.dim);
      if (indexSql) await client.query(indexSql);
    });
  }

  /** Refreshes the planner's statistics (after a bulk sync), so filtered queries pick the right index. */
  async analyze(): Promise<void> {
    await this.run(`ANALYZE ${this.names.table}`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private checkEntry(entry: StoredEntry, i: number): StoredEntry {
    const item = catalogItemSchema.safeParse(entry?.item);
    if (!item.success) throw new AppError("bad_request", `Entry ${i}: invalid item: ${z.prettifyError(item.error)}`);
    this.checkVector(entry.vector, `Entry ${i} (${item.data.id}) vector`);
    return { item: item.data, vector: entry.vector };
  }

  private checkVector(vector: unknown, what: string): asserts vector is Float32Array {
    if (!(vector instanceof Float32Array)) throw new AppError("bad_request", `${what} must be a Float32Array`);
    if (vector.length !== this.dim) throw new AppError("bad_request", `${what} has ${vector.length} values, the store holds ${this.dim}-d vectors`);
    for (let i = 0; i < vector.length; i++) {
      if (!Number.isFinite(vector[i])) throw new AppError("bad_request", `${what} has a non-finite value at ${i}`);
    }
  }

  private async run<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.withClient((client) => client.query<R>(sql, params));
  }

  private async transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query("BEGIN");
      try {
        const result = await body(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  private async withClient<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new AppError("not_ready", `Cannot reach Postgres at ${this.where}: ${messageOf(error)}`, { cause: error });
    }
    let broken: unknown;
    try {
      return await body(client);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (isConnectionError(error)) {
        broken = error;
        throw new AppError("not_ready", `Lost the connection to Postgres at ${this.where}: ${messageOf(error)}`, { cause: error });
      }
      throw new AppError("internal", `Postgres query failed: ${messageOf(error)}`, { cause: error });
    } finally {
      // A client whose connection failed is destroyed rather than handed to the next caller.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

function checkId(id: unknown): string {
  if (typeof id !== "string" || id.length === 0) throw new AppError("bad_request", "A product id must be a non-empty string");
  return id;
}

/** host:port/database of a connection string, never its password (for error messages). */
function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || "5432"}${url.pathname}`;
  } catch {
    return "the configured DATABASE_URL";
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error ? error.message || error.name : String(error);
}

// SQLSTATE class 08 (connection exception), 57P01-03 (server shutting down), and socket errors.
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (/^08/.test(code) || /^57P0[123]$/.test(code) || /^E[A-Z]+$/.test(code))) return true;
  return error instanceof Error && /Connection terminated|connection (?:error|closed)/i.test(error.message);
}

import type pg from "pg";
import { catalogItemSchema, type CatalogItem } from "../catalog/types";
import { AppError } from "../errors";
import { textFieldBoosts } from "../text/text-index";
import { queryTerms } from "../text/tokenise";
import type { FilterKey } from "./types";

/** Bumped whenever the table layout changes; a table of another version is refused, never altered in place. */
export const PG_SCHEMA_VERSION = 1;

/** HNSW build parameters: those of the embedded HNSW index (decision 0002); recall measured in docs/pgvector.md. */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 200;

/** One row of the registry table that records what each vector table holds. */
const REGISTRY = "vector_store_schema";

/** SQL column of each filterable field (snake_case, so no identifier needs quoting by hand). */
export const filterColumns: Record<FilterKey, string> = {
  articleType: "article_type",
  masterCategory: "master_category",
  gender: "gender",
  baseColour: "base_colour",
};

/** Names of one model's table and its indexes; one table per model id, so models never mix. */
export type PgTableNames = { table: string; hnsw: string; seq: string; text: string; columns: Record<string, string> };

/** The table of a model: `catalog_items_<modelId>`; model ids are short hex strings, anything odd is refused. */
export function tableNamesFor(modelId: string): PgTableNames {
  if (!/^[A-Za-z0-9_]{1,40}$/.test(modelId)) {
    throw new AppError("bad_request", `Model id "${modelId}" cannot name a table (letters, digits and _ only, at most 40)`);
  }
  const table = `catalog_items_${modelId.toLowerCase()}`;
  const columns: Record<string, string> = {};
  for (const column of [...Object.values(filterColumns), "label"]) columns[column] = `${table}_${column}`;
  return { table, hnsw: `${table}_embedding_hnsw`, seq: `${table}_seq`, text: `${table}_text`, columns };
}

/**
 * Creates the vector extension, the registry and the model's table with its indexes
 * when missing, then checks that what is there matches `dim` and this schema version.
 * Runs under an advisory lock, so instances starting together do not race.
 */
export async function ensureSchema(client: pg.PoolClient, names: PgTableNames, modelId: string, dim: number): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [REGISTRY]);
    await client.query("CREATE EXTENSION IF NOT EXISTS vector").catch((error: unknown) => {
      throw new AppError(
        "not_ready",
        "The pgvector extension is not available in this database: run `CREATE EXTENSION vector` as a privileged user (see docs/pgvector.md)",
        { cause: error },
      );
    });
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${REGISTRY} (table_name text PRIMARY KEY, schema_version integer NOT NULL,
        model_id text NOT NULL, dim integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const found = await client.query<{ schema_version: number; model_id: string; dim: number }>(
      `SELECT schema_version, model_id, dim FROM ${REGISTRY} WHERE table_name = $1`,
      [names.table],
    );
    const row = found.rows[0];
    if (row) {
      checkRegistered(names.table, row, modelId, dim);
      await client.query(textIndexSql(names));
    } else {
      await createTable(client, names, dim);
      await client.query(`INSERT INTO ${REGISTRY} (table_name, schema_version, model_id, dim) VALUES ($1, $2, $3, $4)`, [
        names.table, PG_SCHEMA_VERSION, modelId, dim,
      ]);
    }
    const typmod = await client.query<{ atttypmod: number }>(
      `SELECT atttypmod FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'embedding'`,
      [names.table],
    );
    const columnDim = typmod.rows[0]?.atttypmod;
    if (columnDim !== dim) {
      throw new AppError("not_ready", `Table ${names.table} stores vector(${columnDim ?? "?"}) but the served model has dimension ${dim}`);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

function checkRegistered(
  table: string, row: { schema_version: number; model_id: string; dim: number }, modelId: string, dim: number,
): void {
  if (row.schema_version !== PG_SCHEMA_VERSION) {
    throw new AppError(
      "not_ready",
      `Table ${table} has schema version ${row.schema_version}, this build expects ${PG_SCHEMA_VERSION}: drop it and run \`npm run catalog:pg-sync\``,
    );
  }
  if (row.dim !== dim || row.model_id.toLowerCase() !== modelId.toLowerCase()) {
    throw new AppError(
      "not_ready",
      `Table ${table} holds ${row.dim}-d vectors of model ${row.model_id}; the served model ${modelId} has dimension ${dim}`,
    );
  }
}

async function createTable(client: pg.PoolClient, names: PgTableNames, dim: number): Promise<void> {
  const { table } = names;
  // seq keeps listItems in insertion (catalog) order and breaks score ties like the flat index's row order.
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
      seq bigint GENERATED ALWAYS AS IDENTITY,
      id text PRIMARY KEY,
      article_type text NOT NULL,
      master_category text NOT NULL,
      gender text NOT NULL,
      base_colour text NOT NULL,
      label text NOT NULL,
      item jsonb NOT NULL,
      embedding vector(${dim}) NOT NULL
    )`,
  );
  const indexSql = vectorIndexSql(names, dim);
  if (indexSql) await client.query(indexSql);
  await client.query(`CREATE INDEX IF NOT EXISTS ${names.seq} ON ${table} (seq)`);
  await client.query(textIndexSql(names));
  for (const [column, index] of Object.entries(names.columns)) {
    await client.query(`CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${column})`);
  }
}

/**
 * pgvector's HNSW indexes `vector` columns of at most 2,000 dimensions. A wider embedding (the
 * 2048-d ImageNet backbone served without a trained head) gets no graph: its searches scan
 * exactly. (A half-precision `halfvec` expression index would fit, but its walk reorders
 * near-ties and broke exact parity with the embedded store; train the 256-d head instead.)
 */
export const HNSW_MAX_DIM = 2000;

/** The statement that builds the HNSW index (cosine) of a model's table when it is missing; undefined past HNSW_MAX_DIM. */
export function vectorIndexSql(names: PgTableNames, dim: number): string | undefined {
  if (dim > HNSW_MAX_DIM) return undefined;
  return `CREATE INDEX IF NOT EXISTS ${names.hnsw} ON ${names.table} USING hnsw (embedding vector_cosine_ops)
    WITH (m = ${HNSW_M}, ef_construction = ${HNSW_EF_CONSTRUCTION})`;
}

/** pgvector's text form of a vector; 9 significant digits round-trip every float32 exactly. */
export function toVectorText(vector: Float32Array): string {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) parts[i] = (vector[i] as number).toPrecision(9);
  return `[${parts.join(",")}]`;
}

/** Parses pgvector's text form back into a Float32Array. */
export function parseVectorText(text: string, dim: number): Float32Array {
  const body = text.trim().replace(/^\[/, "").replace(/\]$/, "");
  const parts = body.length === 0 ? [] : body.split(",");
  if (parts.length !== dim) throw new AppError("internal", `Stored vector has ${parts.length} values, expected ${dim}`);
  return Float32Array.from(parts, Number);
}

/** Validates an item read back from the jsonb column. */
export function toCatalogItem(raw: unknown): CatalogItem {
  const parsed = catalogItemSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("internal", "A stored item does not match the catalog item schema", { cause: parsed.error });
  return parsed.data;
}

/**
 * Postgres full-text search's document of a row: the text fields of lib/text (the same fields and
 * weights as the embedded index: boost ≥ 2 → A, ≥ 1.5 → B, else C) read from the jsonb record with
 * the `english` configuration, which folds case and stems plurals as lib/text/tokenise.ts does.
 * Written as one immutable expression so a GIN index can serve it.
 */
export function textVectorSql(): string {
  return Object.entries(textFieldBoosts)
    .map(([field, boost]) => `setweight(to_tsvector('english'::regconfig, coalesce(item->>'${field}', '')), '${boost >= 2 ? "A" : boost >= 1.5 ? "B" : "C"}')`)
    .join(" || ");
}

/** The GIN index on textVectorSql (created with the table; `IF NOT EXISTS`, so older tables get it at start-up). */
export function textIndexSql(names: PgTableNames): string {
  return `CREATE INDEX IF NOT EXISTS ${names.text} ON ${names.table} USING gin ((${textVectorSql()}))`;
}

/**
 * The tsquery text of a search: lib/text's query terms (letters and digits only, so nothing in
 * them is tsquery syntax) joined by & (every term must match), the last one as a prefix (:*).
 * Passed to to_tsquery('english', …) as a parameter; throws `bad_request` when no term is left.
 */
export function toTsQueryText(text: string): string {
  const terms = queryTerms(text);
  if (terms.length === 0) throw new AppError("bad_request", "The text has no letters or digits to search for");
  return terms.map((term, i) => (i === terms.length - 1 ? `${term}:*` : term)).join(" & ");
}

import type { Config } from "../config";
import { AppError } from "../errors";
import { EmbeddedStore } from "./embedded/embedded-store";
import { PgVectorStore } from "./pgvector";
import type { VectorStore } from "./types";

/** The served model a store is opened for. */
export type StoreModel = { id: string; dim: number };

/**
 * The one seam where the backend is chosen: `embedded` (default; the catalog files of
 * CATALOG_DIR, searched with ORT_THREADS at SEARCH_PRECISION) or `pgvector` (DATABASE_URL). Either way the
 * store holds the served model's vectors, or this throws `not_ready`.
 */
export async function createVectorStore(
  config: Pick<Config, "VECTOR_BACKEND" | "DATABASE_URL" | "DATABASE_POOL_MAX" | "CATALOG_DIR" | "ORT_THREADS" | "SEARCH_PRECISION" | "SEARCH_INDEX">,
  model: StoreModel,
): Promise<VectorStore> {
  if (config.VECTOR_BACKEND === "pgvector") {
    if (!config.DATABASE_URL) {
      throw new AppError("not_ready", "VECTOR_BACKEND=pgvector needs DATABASE_URL (postgres://user:password@host:5432/db); see docs/pgvector.md");
    }
    return PgVectorStore.open({
      connectionString: config.DATABASE_URL,
      modelId: model.id,
      dim: model.dim,
      maxConnections: config.DATABASE_POOL_MAX,
    });
  }
  // EmbeddedStore.open already refuses an index built for another model or dimension.
  return EmbeddedStore.open(config.CATALOG_DIR, model, {
    accelerate: { threads: config.ORT_THREADS, precision: config.SEARCH_PRECISION },
    graphs: config.SEARCH_INDEX,
  });
}

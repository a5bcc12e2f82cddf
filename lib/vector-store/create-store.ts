import type { Config } from "../config";
import { AppError } from "../errors";
import { PgVectorStore } from "./pgvector";
import type { VectorStore } from "./types";

export type VectorStoreTarget = {
  /** The served model's id (names the pgvector table, so models never mix). */
  modelId: string;
  /** The served model's embedding size. */
  dim: number;
  /** Opens the embedded backend; passed in by the caller, which owns the catalog files it reads. */
  openEmbedded: () => Promise<VectorStore>;
};

/**
 * Opens the vector store the configuration selects: `embedded` (default) or
 * `pgvector` (DATABASE_URL). Either way the store is checked against the served
 * model's dimension before it is returned.
 */
export async function createVectorStore(
  config: Pick<Config, "VECTOR_BACKEND" | "DATABASE_URL" | "DATABASE_POOL_MAX">,
  target: VectorStoreTarget,
): Promise<VectorStore> {
  if (config.VECTOR_BACKEND === "pgvector") {
    if (!config.DATABASE_URL) {
      throw new AppError("not_ready", "VECTOR_BACKEND=pgvector needs DATABASE_URL (postgres://user:password@host:5432/db); see docs/pgvector.md");
    }
    return PgVectorStore.open({
      connectionString: config.DATABASE_URL,
      modelId: target.modelId,
      dim: target.dim,
      maxConnections: config.DATABASE_POOL_MAX,
    });
  }
  const store = await target.openEmbedded();
  if (store.dim !== target.dim) {
    await store.close();
    throw new AppError("not_ready", `The embedded store holds ${store.dim}-d vectors, the served model ${target.modelId} has ${target.dim}`);
  }
  return store;
}

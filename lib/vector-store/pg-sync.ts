import type { CatalogItem } from "../catalog/types";
import type { FlatIndex } from "../index/flat-index";
import type { PgVectorStore } from "./pgvector";
import { syncCatalogToStore, type SyncProgress, type SyncReport } from "./sync-catalog";

export type PgSyncReport = SyncReport & { bulk: boolean; indexSeconds: number };

/**
 * Loads a built catalog into Postgres (see syncCatalogToStore). Into an empty table it
 * loads first and builds the HNSW index afterwards (bulk); otherwise it upserts with
 * the index in place, so instances keep serving. Statistics are refreshed at the end.
 */
export async function syncCatalogToPg(
  store: PgVectorStore,
  items: readonly CatalogItem[],
  index: FlatIndex,
  options: { batchSize?: number; onProgress?: (progress: SyncProgress) => void } = {},
): Promise<PgSyncReport> {
  const bulk = (await store.count()) === 0 && items.length > 0;
  if (bulk) await store.dropVectorIndex();
  let report: SyncReport;
  let indexSeconds = 0;
  try {
    report = await syncCatalogToStore(store, items, index, options);
  } finally {
    // Rebuilt even when the load failed half way, so the table is never left without its index.
    if (bulk) {
      const t0 = performance.now();
      await store.createVectorIndex();
      indexSeconds = (performance.now() - t0) / 1000;
    }
  }
  await store.analyze();
  return { ...report, bulk, indexSeconds };
}

import type { CatalogItem } from "../catalog/types";
import { AppError } from "../errors";
import type { FlatIndex } from "../index/flat-index";
import type { VectorStore } from "./types";

export type SyncProgress = { done: number; total: number };
export type SyncReport = { upserted: number; removed: number; total: number; seconds: number };

/**
 * Makes a store hold exactly a built catalog: every item with its vector from the
 * catalog's index (upserted batch by batch, in catalog order, each batch atomic),
 * then removes stored ids the catalog no longer has. Idempotent: a rerun rewrites nothing.
 */
export async function syncCatalogToStore(
  store: VectorStore,
  items: readonly CatalogItem[],
  index: FlatIndex,
  options: { batchSize?: number; onProgress?: (progress: SyncProgress) => void } = {},
): Promise<SyncReport> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AppError("bad_request", `Batch size must be a positive integer, got ${batchSize}`);
  if (index.dim !== store.dim) throw new AppError("bad_request", `The index has ${index.dim}-d vectors, the store holds ${store.dim}-d`);
  const rows = items.map((item) => {
    const row = index.rowOf(item.id);
    if (row === undefined) throw new AppError("internal", `Item ${item.id} has no vector in the index`);
    return row;
  });
  const t0 = performance.now();
  for (let start = 0; start < items.length; start += batchSize) {
    const end = Math.min(items.length, start + batchSize);
    const batch = [];
    // Copies, not views: the index's vectors may be a view over a file buffer.
    for (let i = start; i < end; i++) batch.push({ item: items[i]!, vector: index.vector(rows[i]!).slice() });
    await store.upsert(batch);
    options.onProgress?.({ done: end, total: items.length });
  }
  const wanted = new Set(items.map((item) => item.id));
  const stale = (await store.listItems()).filter((item) => !wanted.has(item.id)).map((item) => item.id);
  const removed = stale.length > 0 ? await store.remove(stale) : 0;
  return { upserted: items.length, removed, total: await store.count(), seconds: (performance.now() - t0) / 1000 };
}

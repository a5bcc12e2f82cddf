import { publishCatalog, readCatalog } from "../../catalog/store";
import { FlatIndex } from "../../index/flat-index";
import { saveFlatIndex } from "../../index/index-file";
import type { CompactResult, StoreSnapshot } from "../types";
import { appendChangeLog, changeLogPaths } from "./change-log";
import type { LogFileSystem } from "./log-file";

/** A generation held under its log's lock with every logged change applied (see EmbeddedStore.compact). */
export type LockedGeneration = {
  catalogDir: string;
  generation: string | null;
  generationDir: string;
  /** Bytes of log applied so far: all of it, under the lock. */
  offset: number;
  dim: number;
  snapshot(): StoreSnapshot;
  /** The change-log writer's file operations (default: node:fs). */
  logFs?: LogFileSystem;
};

/**
 * Folds a generation and its change log into a new generation (items.json and the
 * model's index, written by publishCatalog, which flips CURRENT atomically), then
 * seals the old log so every process moves over. The caller holds the log's lock
 * throughout: writes wait, searches do not (they keep using the old rows until they
 * see the new generation). Indexes of other models are not carried over.
 */
export async function foldGeneration(locked: LockedGeneration, model: { id: string; name: string }): Promise<Omit<CompactResult, "ms">> {
  const { manifest } = await readCatalog(locked.catalogDir);
  const { items, vectors } = locked.snapshot();
  const index = new FlatIndex(locked.dim, items.map((item) => item.id), vectors);
  const published = await publishCatalog(locked.catalogDir, { ...manifest, itemCount: items.length, createdAt: new Date().toISOString() }, items, {
    indexes: [
      {
        modelId: model.id,
        save: (file) => saveFlatIndex(file, index, { modelId: model.id, modelName: model.name, builtAt: new Date().toISOString(), compactedFrom: locked.generation }),
      },
    ],
  });
  const { log } = changeLogPaths(locked.generationDir);
  await appendChangeLog(log, locked.offset, [{ op: "sealed", at: new Date().toISOString(), next: published.generation }], locked.logFs);
  return { generation: published.generation, items: items.length, foldedLogBytes: locked.offset };
}

import { publishCatalog, readCatalog } from "../../catalog/store";
import { FlatIndex } from "../../index/flat-index";
import { saveFlatIndex } from "../../index/index-file";
import type { ModelManifest } from "../../model/manifest";
import type { EmbeddedStore } from "./embedded-store";
import { appendChangeLog, changeLogPaths } from "./change-log";

export type CompactResult = { generation: string; items: number; foldedLogBytes: number; ms: number };

/**
 * Folds the served generation and its change log into a new generation (items.json
 * and the served model's index, written by publishCatalog, which flips CURRENT
 * atomically), then seals the old log so every process moves over. Holds the log's
 * lock throughout: writes wait, searches do not (they keep using the old rows until
 * they see the new generation). Indexes of other models are not carried over.
 */
export async function compactCatalog(store: EmbeddedStore, catalogDir: string, model: ModelManifest): Promise<CompactResult> {
  const started = performance.now();
  const result = await store.withLatest(async (state) => {
    const { manifest } = await readCatalog(catalogDir);
    const { items, vectors } = state.rows.snapshot();
    const index = new FlatIndex(store.dim, items.map((item) => item.id), vectors);
    const published = await publishCatalog(catalogDir, { ...manifest, itemCount: items.length, createdAt: new Date().toISOString() }, items, {
      indexes: [
        {
          modelId: model.id,
          save: (file) => saveFlatIndex(file, index, { modelId: model.id, modelName: model.name, builtAt: new Date().toISOString(), compactedFrom: state.generation }),
        },
      ],
    });
    const { log } = changeLogPaths(state.generationDir);
    await appendChangeLog(log, state.offset, [{ op: "sealed", at: new Date().toISOString(), next: published.generation }]);
    return { generation: published.generation, items: items.length, foldedLogBytes: state.offset };
  });
  await store.refresh();
  return { ...result, ms: performance.now() - started };
}

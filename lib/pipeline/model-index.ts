import { promises as fs } from "node:fs";
import path from "node:path";
import type { CatalogItem } from "../catalog/types";
import { fuseItemVectors } from "../colour/colour-fusion";
import { embedFeatures } from "../embed/embed-features";
import { AppError } from "../errors";
import { FlatIndex } from "../index/flat-index";
import { saveFlatIndex } from "../index/index-file";
import { ANN_EXACT_LABEL_ROWS, ANN_MIN_ROWS, annDirFor, LabelAnnIndex } from "../index/label-ann";
import { indexDimOf, type ModelManifest } from "../model/manifest";
import { loadItemColours } from "./item-colours";
import type { ItemFeatureOptions } from "./item-features";

/** A model's embeddings of some items as a flat index, with its class probabilities when it has a classifier. */
export type EmbeddedItems = { index: FlatIndex; probabilities?: Float32Array };

/**
 * Runs `model` over the items' backbone features (in memory, nothing written). When the
 * model fuses colour, each row is [√λ·e ; √(1−λ)·c] with `colours` the items' studio colour
 * descriptors (loadItemColours), required then.
 */
export async function embedItems(
  modelsDir: string,
  model: ModelManifest,
  items: readonly CatalogItem[],
  features: Float32Array,
  colours?: Float32Array,
): Promise<EmbeddedItems> {
  const { embeddings, probabilities } = await embedFeatures(modelsDir, model, features, items.length);
  const ids = items.map((item) => item.id);
  if (!model.colour) return { index: new FlatIndex(model.embedding.dim, ids, embeddings), probabilities };
  if (!colours) throw new AppError("internal", `Model ${model.name} fuses colour: its index needs the items' colour descriptors`);
  return { index: new FlatIndex(indexDimOf(model), ids, fuseItemVectors(embeddings, colours, items.length, model.colour)), probabilities };
}

/** The items' colour descriptors when `model` fuses colour (computed or read from the cache), else undefined. */
export async function loadColoursFor(
  options: Pick<ItemFeatureOptions, "cacheDir" | "catalogDir" | "maxPixels">,
  model: ModelManifest,
  items: readonly CatalogItem[],
): Promise<Float32Array | undefined> {
  return model.colour ? (await loadItemColours(options, model.colour.descriptor, items)).colours : undefined;
}

/**
 * Writes a model's flat index to `file` (atomically) with the header meta the service checks and,
 * for a trained model over a large catalog, its search graphs beside it (lib/index/label-ann.ts:
 * the whole catalog and one per label of `items`, in row order).
 */
export async function saveModelIndex(
  file: string,
  model: ModelManifest,
  index: FlatIndex,
  items: readonly Pick<CatalogItem, "label">[],
  log?: (line: string) => void,
): Promise<void> {
  const header = await saveFlatIndex(file, index, { modelId: model.id, modelName: model.name, builtAt: new Date().toISOString() });
  if (model.kind !== "trained" || index.count < ANN_MIN_ROWS) return;
  const t0 = performance.now();
  log?.(`search graphs: building over ${index.count} rows (the catalog, and each label of ≥ ${ANN_EXACT_LABEL_ROWS} rows)…`);
  const labels = items.map((item) => item.label);
  const dir = annDirFor(file, header.contentId);
  await LabelAnnIndex.build(index, labels).save(dir, { contentId: header.contentId, labels });
  await removeOtherGraphs(file, dir);
  log?.(`search graphs: done in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dir}`);
}

/** Removes graphs of earlier contents of `file` (the index was rebuilt in place). */
async function removeOtherGraphs(file: string, keep: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.ann-`;
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith(prefix) && path.join(dir, name) !== keep) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}

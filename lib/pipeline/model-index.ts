import type { CatalogItem } from "../catalog/types";
import { embedFeatures } from "../embed/embed-features";
import { FlatIndex } from "../index/flat-index";
import { saveFlatIndex } from "../index/index-file";
import type { ModelManifest } from "../model/manifest";

/** A model's embeddings of some items as a flat index, with its class probabilities when it has a classifier. */
export type EmbeddedItems = { index: FlatIndex; probabilities?: Float32Array };

/** Runs `model` over the items' backbone features (in memory, nothing written). */
export async function embedItems(
  modelsDir: string,
  model: ModelManifest,
  items: readonly CatalogItem[],
  features: Float32Array,
): Promise<EmbeddedItems> {
  const { embeddings, probabilities } = await embedFeatures(modelsDir, model, features, items.length);
  return { index: new FlatIndex(model.embedding.dim, items.map((item) => item.id), embeddings), probabilities };
}

/** Writes a model's flat index to `file` (atomically) with the header meta the service checks. */
export async function saveModelIndex(file: string, model: ModelManifest, index: FlatIndex): Promise<void> {
  await saveFlatIndex(file, index, { modelId: model.id, modelName: model.name, builtAt: new Date().toISOString() });
}

import { indexPathFor } from "../../lib/catalog/index-path";
import { readCatalog } from "../../lib/catalog/store";
import type { CatalogItem } from "../../lib/catalog/types";
import type { Config } from "../../lib/config";
import type { FlatIndex } from "../../lib/index/flat-index";
import { loadFlatIndex } from "../../lib/index/index-file";
import { resolveServedModel, type ModelManifest } from "../../lib/model/manifest";
import { resolveBackbone } from "../../lib/pipeline/item-features";
import { createRng, shuffleInPlace } from "../../lib/random";

export type CatalogVectors = {
  items: CatalogItem[];
  served: ModelManifest;
  backbone: ModelManifest;
  /** The served index (trained embedding). */
  servedIndex: FlatIndex;
};

/** The built catalog, its served model and the served index, read through lib/ (never by hard-coded paths). */
export async function loadCatalogVectors(config: Config): Promise<CatalogVectors> {
  const { items } = await readCatalog(config.CATALOG_DIR);
  const served = await resolveServedModel(config.MODELS_DIR, config.MODEL_NAME);
  const backbone = await resolveBackbone(config.MODELS_DIR, served);
  const { index } = await loadFlatIndex(indexPathFor(config.CATALOG_DIR, served.id));
  if (index.count !== items.length) throw new Error(`served index has ${index.count} rows for ${items.length} items`);
  return { items, served, backbone, servedIndex: index };
}

/** The backbone's (ImageNet ResNet50) index of the same catalog, e.g. 2048-d. */
export async function loadBackboneIndex(config: Config, backbone: ModelManifest): Promise<FlatIndex> {
  const { index } = await loadFlatIndex(indexPathFor(config.CATALOG_DIR, backbone.id));
  return index;
}

/** `count` rows of `split`, drawn with a fixed seed (all of them when fewer). */
export function sampleRows(items: readonly CatalogItem[], split: CatalogItem["split"], count: number, seed = 7): number[] {
  const rows = items.flatMap((item, row) => (item.split === split ? [row] : []));
  return shuffleInPlace(rows, createRng(seed)).slice(0, count).sort((a, b) => a - b);
}

import { readCatalog } from "../catalog/store";
import type { Config } from "../config";
import { createProgress, type ProgressSink } from "../progress";
import { labelColumnOf } from "../search/category-ranker";
import { fitIsotonic, type QualityCalibration, type ScoredOutcome } from "../search/match-quality";
import { writeQualityCalibration } from "../search/quality-file";
import { createSearchService } from "../search/search-service";
import { selectItemFeatureOptions } from "./item-features";
import { createNonProductImages } from "./non-product-images";
import { collectQualityOutcomes } from "./quality-outcomes";
import { sampleStratified } from "./evaluate-scenes";
import { composeProductScenes, loadSceneBackgrounds } from "./scene-composites";

/** Results per query the curve is fitted on (the first page the site shows). */
export const CALIBRATION_K = 10;

/** Seed of the non-product images the curve is fitted on (the eval's are others: lib/pipeline/evaluate-quality.ts). */
export const CALIBRATION_NON_PRODUCT_SEED = 0x0ca1;

export type CalibrateOptions = {
  /** Non-product images searched as known misses (0: fit on catalog queries only). */
  nonProducts: number;
  /**
   * Share of searches assumed to show no catalog product: the non-product images are
   * weighted to this share of all queries (a stated prior, not a measurement).
   */
  noProductShare: number;
  /** Val products photographed on dev-pool scenes, searched through the served path (0: studio queries only). */
  scenes: number;
  /**
   * Share of product searches assumed to be photos in a scene rather than studio-like photos: the
   * scene queries are weighted to this share of the product queries (a stated prior, not a measurement).
   */
  sceneShare: number;
  progress?: ProgressSink;
};

/** Seed of the calibration's scene composites (the eval's scenes are test products on the eval pool). */
export const CALIBRATION_SCENE_SEED = 0x5ca1e;

/**
 * `npm run calibrate`: fits the served model's match quality on the validation split by
 * isotonic regression of "same label" on the served ranking score of each val query's
 * first CALIBRATION_K results, plus the results of seeded non-product images through the
 * served search path (never relevant), weighted to `noProductShare` of the queries; writes
 * it beside the model's manifest, where the service reads it at start-up.
 */
export async function calibrateMatchQuality(
  config: Config,
  options: CalibrateOptions,
): Promise<{ calibration: QualityCalibration; modelName: string; queries: number; scenes: number; nonProducts: number }> {
  const { model, outcomes } = await collectQualityOutcomes({ ...selectItemFeatureOptions(config, options.progress), split: "val", k: CALIBRATION_K });
  const pairs: ScoredOutcome[] = outcomes.flatMap((o) => o.results);
  const scenes = await searchScenes(config, model.name, options);
  if (scenes.length > 0) {
    const weight = (options.sceneShare / (1 - options.sceneShare)) * (outcomes.length / scenes.length);
    for (const results of scenes) for (const r of results) pairs.push({ ...r, weight });
  }
  const misses = await searchNonProducts(config, model.name, options);
  if (misses.length > 0) {
    const weight = (options.noProductShare / (1 - options.noProductShare)) * (outcomes.length / misses.length);
    for (const scores of misses) for (const x of scores) pairs.push({ x, relevant: false, weight });
  }
  const calibration: QualityCalibration = {
    version: 1,
    modelId: model.id,
    target: `same ${labelColumnOf(model)} as the query`,
    fittedOn:
      `val split: ${outcomes.length} queries × first ${CALIBRATION_K} results, served ranking score (cosine + category boost)` +
      (scenes.length > 0 ? `; ${scenes.length} val products on dev-pool scenes (seed ${CALIBRATION_SCENE_SEED}) through the served path, weighted to ${options.sceneShare} of product queries` : "") +
      (misses.length > 0 ? `; ${misses.length} non-product images (seed ${CALIBRATION_NON_PRODUCT_SEED}) as misses, weighted to ${options.noProductShare} of queries` : ""),
    pairs: pairs.length,
    knots: fitIsotonic(pairs),
    createdAt: new Date().toISOString(),
  };
  await writeQualityCalibration(config.MODELS_DIR, model.name, calibration);
  return { calibration, modelName: model.name, queries: outcomes.length, scenes: scenes.length, nonProducts: misses.length };
}

/** Each scene query's first results through the served search: ranking score, and whether it has the product's label. */
async function searchScenes(config: Config, modelName: string, options: CalibrateOptions): Promise<ScoredOutcome[][]> {
  if (options.scenes === 0) return [];
  const { items: all } = await readCatalog(config.CATALOG_DIR);
  const val = all.filter((item) => item.split === "val");
  if (val.length === 0) return [];
  const sample = sampleStratified(val, options.scenes, CALIBRATION_SCENE_SEED);
  const service = await createSearchService(config, modelName);
  const progress = createProgress({ label: "scene searches", total: sample.length, unit: "query", sink: options.progress });
  const results: ScoredOutcome[][] = [];
  await composeProductScenes(config.CATALOG_DIR, sample, await loadSceneBackgrounds("dev"), CALIBRATION_SCENE_SEED, config.MAX_IMAGE_PIXELS, async ({ item, bytes }) => {
    const outcome = await service.searchByImage(bytes, { k: CALIBRATION_K + 1 });
    const hits = outcome.hits.filter((hit) => hit.item.id !== item.id).slice(0, CALIBRATION_K);
    results.push(hits.map((hit) => ({ x: hit.rankingScore, relevant: hit.item.label === item.label })));
    progress?.advance();
  });
  progress?.finish();
  return results;
}

/** The ranking scores of each non-product image's first results through the served search. */
async function searchNonProducts(config: Config, modelName: string, options: CalibrateOptions): Promise<number[][]> {
  if (options.nonProducts === 0) return [];
  const images = await createNonProductImages(options.nonProducts, CALIBRATION_NON_PRODUCT_SEED);
  const service = await createSearchService(config, modelName);
  const progress = createProgress({ label: "non-product searches", total: images.length, unit: "query", sink: options.progress });
  const scores: number[][] = [];
  for (const image of images) {
    const outcome = await service.searchByImage(image.bytes, { k: CALIBRATION_K });
    scores.push(outcome.hits.map((hit) => hit.rankingScore));
    progress?.advance();
  }
  progress?.finish();
  return scores;
}

import type { Config } from "../config";
import { computeCalibrationError } from "../metrics/calibration-error";
import type { EvalResult } from "../metrics/report";
import { createProgress, type ProgressSink } from "../progress";
import { BAND_FLOOR } from "../search/match-quality";
import { loadQualityScale } from "../search/quality-file";
import { createSearchService } from "../search/search-service";
import { selectItemFeatureOptions } from "./item-features";
import { createNonProductImages, nonProductKinds } from "./non-product-images";
import { collectQualityOutcomes } from "./quality-outcomes";

export type QualityProtocolOptions = {
  split: "val" | "test";
  /** Non-product images searched (0: none). */
  nonProducts: number;
  /** Seed of the non-product set: the report's (test) differs from the one choices are made on (val). */
  seed: number;
  progress?: ProgressSink;
};

/** What the match-quality protocol measured. */
export type QualityMeasures = {
  /** Expected calibration error (10 bins) of the quality of each query's first 10 results. */
  ece: number;
  /** Share of split queries whose best result is Good or better. */
  goodShare: number;
  /** Share of non-product images the service answers with noCloseMatch. */
  noMatchShare: number;
  noMatchByKind: Record<string, string>;
};

/**
 * The match-quality protocol: calibration error of the served quality on `split`
 * queries (the studio protocol's ranking, relevant = same label), the share of them
 * still offered a Good-or-better result, and the share of seeded non-product images
 * (plain colours, gradients, noise, empty procedural scenes) that the served search
 * path (SearchService.searchByImage) flags "no close match".
 */
export async function evaluateMatchQuality(config: Config, options: QualityProtocolOptions): Promise<{ section: EvalResult; measures: QualityMeasures }> {
  const { model, outcomes } = await collectQualityOutcomes({ ...selectItemFeatureOptions(config, options.progress), split: options.split, k: 10 });
  const scale = await loadQualityScale(config.MODELS_DIR, model);
  const forecasts = outcomes.flatMap((o) => o.results.map((r) => ({ p: scale.rate(r.x), relevant: r.relevant })));
  const ece = computeCalibrationError(forecasts, 10);
  const goodShare = outcomes.filter((o) => o.results.some((r) => scale.rate(r.x) >= BAND_FLOOR.good)).length / Math.max(outcomes.length, 1);

  const images = await createNonProductImages(options.nonProducts, options.seed);
  const flagged = new Map<string, [number, number]>(nonProductKinds.map((kind) => [kind, [0, 0]]));
  if (images.length > 0) {
    const service = await createSearchService(config);
    const progress = createProgress({ label: "non-product searches", total: images.length, unit: "query", sink: options.progress });
    for (const image of images) {
      const outcome = await service.searchByImage(image.bytes, { k: 10 });
      const counts = flagged.get(image.kind)!;
      counts[0] += outcome.noCloseMatch ? 1 : 0;
      counts[1] += 1;
      progress?.advance();
    }
    progress?.finish();
  }
  const noMatch = [...flagged.values()].reduce((sum, [n]) => sum + n, 0);
  const noMatchShare = noMatch / Math.max(images.length, 1);
  const noMatchByKind = Object.fromEntries([...flagged.entries()].map(([kind, [n, total]]) => [kind, `${n}/${total}`]));
  const measures = { ece, goodShare, noMatchShare, noMatchByKind };
  const section: EvalResult = {
    title: `Match quality (${options.split} split)`,
    facts: {
      model: `${model.name} (${model.id}), ${scale.calibrated ? "calibrated by npm run calibrate on val" : "NOT calibrated (run npm run calibrate): quality is the clamped ranking score"}`,
      "calibration error (ECE, 10 bins)": `${ece.toFixed(4)} over ${forecasts.length} results (${outcomes.length} queries × first 10); the bar is 0.05`,
      "queries with a Good-or-better result": `${(goodShare * 100).toFixed(1)}% of ${outcomes.length} ${options.split} queries (aim ≥ 97%)`,
      "non-product images flagged no close match": `${(noMatchShare * 100).toFixed(1)}% of ${images.length} (seed ${options.seed}; ${Object.entries(noMatchByKind).map(([k, v]) => `${k} ${v}`).join(", ")}; aim ≥ 90%)`,
      bands: `Excellent ≥ ${BAND_FLOOR.excellent}, Good ≥ ${BAND_FLOOR.good}, Weak below (P(same type))`,
    },
    variants: [],
  };
  return { section, measures };
}

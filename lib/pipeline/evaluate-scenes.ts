import { promises as fs } from "node:fs";
import { readCatalog, imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import type { Config } from "../config";
import { AppError, toAppError } from "../errors";
import { createAttributeRelevances, evaluateUnderRelevances, type RankedItems } from "../metrics/attribute-relevance";
import { createProgress, type ProgressSink } from "../progress";
import type { EvalResult, EvalVariant } from "../metrics/report";
import { summarizeLatency } from "../metrics/retrieval";
import { computeCalibrationError, type Forecast } from "../metrics/calibration-error";
import { BAND_FLOOR } from "../search/match-quality";
import { createRng, shuffleInPlace } from "../random";
import type { SceneBackground } from "../scene/scene-background";
import { sceneKinds, type ScenePool } from "../scene/scene-kinds";
import { createSearchService } from "../search/search-service";
import { resolveEvaluatedModels } from "./evaluate-catalog";
import { composeProductScenes, loadSceneBackgrounds, type SceneBackgrounds } from "./scene-composites";

export type SceneProtocolOptions = {
  /** The split whose products are photographed: test for the report, val (with the dev pool) for choices. */
  split: Extract<CatalogItem["split"], "test" | "val">;
  pool: ScenePool;
  /** Products sampled, stratified by label. */
  count: number;
  /** Results ranked per query. */
  k: number;
  seed: number;
  /** Where the searches' progress goes (the CLI passes process.stderr); none: quiet. */
  progress?: ProgressSink;
  /**
   * Search each sampled product's own studio photo instead of a composite: the studio
   * protocol measured through the served path (region step included), not from cached descriptors.
   */
  studio?: boolean;
};

/** A composited query photo and the product it shows. */
type SceneQuery = { item: CatalogItem; bytes: Buffer; kind: string; background?: SceneBackground };

// A salt per pool: the eval pool's composites (and procedural backgrounds) come from other seeds than the dev pool's.
const poolSalt: Record<ScenePool, number> = { dev: 0x5eed_0001, eval: 0x5eed_e7a1 };

/**
 * The in-the-scene protocol: a fixed, seeded sample of `split` products, each cut out
 * of its studio photo and composited onto a scene of `pool` (kinds in turn, procedural
 * and photographed backgrounds alternating within a kind), is searched through the
 * served search path (`SearchService.searchByImage`, exactly what POST /api/search
 * runs) of every evaluated model; the product itself is dropped from its results.
 * Relevance: same type, same type and colour...; per label means per scene kind.
 */
export async function evaluateScenes(config: Config, options: SceneProtocolOptions): Promise<EvalResult> {
  const started = performance.now();
  const { items: all, manifest } = await readCatalog(config.CATALOG_DIR);
  const items = all.filter((item) => item.split !== "excluded");
  const sample = sampleStratified(items.filter((item) => item.split === options.split), options.count, options.seed);
  const scenes: SceneBackgrounds = options.studio ? { pool: options.pool, backgrounds: new Map(), photoNames: [] } : await loadSceneBackgrounds(options.pool);
  const { photoNames } = scenes;
  const { queries, skipped } = options.studio ? await studioQueries(config, sample) : await composeQueries(config, sample, scenes, options);
  const composeSeconds = (performance.now() - started) / 1000;

  const relevances = createAttributeRelevances(manifest.labelColumn);
  const variants: EvalVariant[] = [];
  const notes: string[] = [];
  for (const model of await resolveEvaluatedModels(config.MODELS_DIR)) {
    const service = await createSearchService(config, model.name).catch((error: unknown) => {
      const appError = toAppError(error);
      if (appError.code !== "not_ready") throw error;
      notes.push(`${model.name}: not evaluated (${appError.message})`);
      return undefined;
    });
    if (!service) continue;
    const ranked: RankedItems<CatalogItem>[] = [];
    const latencies: number[] = [];
    const forecasts: Forecast[] = [];
    let rightShownGood = 0;
    let right = 0;
    let calibrated = true;
    const progress = createProgress({ label: `scenes ${model.name}`, total: queries.length, unit: "query", sink: options.progress });
    for (const query of queries) {
      const outcome = await service.searchByImage(query.bytes, { k: options.k + 1 });
      latencies.push(outcome.tookMs.total);
      calibrated &&= outcome.qualityCalibrated;
      const results = outcome.hits.filter((hit) => hit.item.id !== query.item.id).slice(0, options.k);
      for (const hit of results.slice(0, 10)) forecasts.push({ p: hit.quality, relevant: hit.item.label === query.item.label });
      const first = results[0];
      if (first && first.item.label === query.item.label) {
        right++;
        if (first.quality >= BAND_FLOOR.good) rightShownGood++;
      }
      ranked.push({ query: query.item, label: query.kind, results: results.map((hit) => hit.item) });
      progress?.advance();
    }
    progress?.finish();
    const byRelevance = evaluateUnderRelevances(ranked, relevances);
    const qualityDetails = () => ({
      "match quality ECE (first 10 results, 10 bins)": `${computeCalibrationError(forecasts, 10).toFixed(4)}${calibrated ? "" : " (not calibrated)"}`,
      "right first result shown Good or better": `${right === 0 ? "–" : (rightShownGood / right).toFixed(3)} (${rightShownGood}/${right})`,
    });
    const type = byRelevance[0]!;
    const byOrigin = (origin: SceneBackground["origin"]) => {
      const rows = ranked.filter((_, i) => queries[i]!.background?.origin === origin);
      return rows.length === 0 ? "–" : `${evaluateUnderRelevances(rows, relevances.slice(0, 2)).map((m) => m.overall.pAt5.toFixed(3)).join(" / ")} (${rows.length})`;
    };
    variants.push({
      name: model.kind === "backbone" ? "ImageNet ResNet50 (frozen), served path" : "trained head, served search",
      overall: type.overall,
      perLabel: type.perLabel,
      latency: summarizeLatency(latencies),
      details: options.studio
        ? { model: `${model.name} (${model.id})`, ...qualityDetails() }
        : {
            model: `${model.name} (${model.id})`,
            ...qualityDetails(),
            "P@5 type / type+colour, procedural scenes": byOrigin("procedural"),
            "P@5 type / type+colour, photographed scenes": byOrigin("photo"),
          },
      byRelevance,
    });
  }
  const kinds = new Map<string, number>();
  for (const q of queries) if (q.background) kinds.set(q.background.name, (kinds.get(q.background.name) ?? 0) + 1);
  if (options.studio) {
    return {
      title: `Studio photos through the served search path (${options.split} split)`,
      facts: {
        queries: `${queries.length} ${options.split} products (the same seeded sample as the scene protocol: ${options.count}, stratified by ${manifest.labelColumn}, seed ${options.seed}), each its own studio photo as stored, excluded from its own results`,
        search: "SearchService.searchByImage (the POST /api/search path, crop=auto and the default mode), k+1 results, the product itself dropped",
        relevance: relevances[0]!.description,
        latency: "per query: the service's own total (decode, region, embed, search)",
        ...(notes.length > 0 ? { notes: notes.join("; ") } : {}),
      },
      variants,
    };
  }
  return {
    title: `In-the-scene evaluation (${options.split} split products on ${options.pool}-pool scenes)`,
    groupedBy: "scene kind",
    facts: {
      queries: `${queries.length} ${options.split} products (seeded sample of ${options.count}, stratified by ${manifest.labelColumn}, seed ${options.seed}), each excluded from its own results${skipped > 0 ? `; ${skipped} photos with no product to cut out skipped` : ""}`,
      scenes: `${options.pool} pool: procedural (${sceneKinds.join(", ")})${photoNames.length > 0 ? ` + ${photoNames.length} photographed (${photoNames.join(", ")})` : "; no photographed scene installed (see docs/scenes.md)"}`,
      "backgrounds used": [...kinds.entries()].map(([name, n]) => `${name} ${n}`).join(", "),
      composite: "product 25–80% of a 480×640 or 640×480 frame, random place, soft shadow, brightness 0.7–1.25, contrast 0.75–1.2, colour cast ±0.12, blur 0–1.6 px, JPEG 40–90 (lib/scene/compose-scene.ts)",
      search: "SearchService.searchByImage (the POST /api/search path), k+1 results, the product itself dropped",
      relevance: relevances[0]!.description,
      latency: "per query: the service's own total (decode, embed, search)",
      "composite time": `${composeSeconds.toFixed(0)} s`,
      ...(notes.length > 0 ? { notes: notes.join("; ") } : {}),
    },
    variants,
  };
}

/** `count` items drawn with a fixed seed, each label in proportion to its share (at least one each). */
export function sampleStratified(items: readonly CatalogItem[], count: number, seed: number): CatalogItem[] {
  if (items.length === 0) throw new AppError("bad_request", "No items in the split to sample");
  const rng = createRng(seed);
  const byLabel = new Map<string, CatalogItem[]>();
  for (const item of items) byLabel.set(item.label, [...(byLabel.get(item.label) ?? []), item]);
  const picked: CatalogItem[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = shuffleInPlace([...byLabel.get(label)!], rng);
    picked.push(...group.slice(0, Math.max(1, Math.round((count * group.length) / items.length))));
  }
  return shuffleInPlace(picked, rng).slice(0, count);
}

/** Each product's own studio photo, unchanged, as the query (grouped by its label). */
async function studioQueries(config: Config, sample: readonly CatalogItem[]): Promise<{ queries: SceneQuery[]; skipped: number }> {
  const queries: SceneQuery[] = [];
  for (const item of sample) queries.push({ item, bytes: await fs.readFile(imagePathFor(config.CATALOG_DIR, item)), kind: item.label });
  return { queries, skipped: 0 };
}

async function composeQueries(
  config: Config,
  sample: readonly CatalogItem[],
  backgrounds: SceneBackgrounds,
  options: SceneProtocolOptions,
): Promise<{ queries: SceneQuery[]; skipped: number }> {
  const queries: SceneQuery[] = [];
  const { skipped } = await composeProductScenes(config.CATALOG_DIR, sample, backgrounds, options.seed ^ poolSalt[options.pool], config.MAX_IMAGE_PIXELS, (scene) => {
    queries.push(scene);
  });
  return { queries, skipped };
}

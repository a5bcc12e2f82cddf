import { promises as fs } from "node:fs";
import path from "node:path";
import type { CatalogItem } from "../catalog/types";
import { AppError } from "../errors";
import { pathExists } from "../fs/atomic";
import { gatherRows } from "../matrix";
import type { EvalVariant } from "../metrics/report";
import { buildTrainedModel } from "../model/build-trained";
import type { ProgressSink } from "../progress";
import { manifestPath, readModelManifest, resolvePipelineBackbone, writeModelManifest, type ModelManifest } from "../model/manifest";
import { classifyFeatures, fitLinearClassifier, type LinearClassifierFit, type LinearClassifierOptions } from "../train/linear-classifier";
import { trainHead, type EpochLog, type TrainOptions } from "../train/train-head";
import type { RankingConfig } from "../search/category-ranker";
import { defaultColourDescriptor } from "../colour/colour-descriptor";
import { fusedModelId } from "../colour/colour-fusion";
import { fitTemperature } from "../train/temperature";
import { reindexCatalog } from "./build-catalog";
import { chooseColourFusion, type ColourChoice } from "./choose-colour";
import { loadItemColours } from "./item-colours";
import { runProtocols } from "./evaluate";
import { loadItemFeatures } from "./item-features";
import { embedItems } from "./model-index";
import { loadSceneFeatures, type SceneFeatures, type SceneTrainingOptions } from "./scene-features";
import type { TrainSet } from "../train/types";

export type TrainModelOptions = {
  modelsDir: string;
  cacheDir: string;
  catalogDir: string;
  maxPixels: number;
  /** Where embedding progress goes (the CLI passes process.stderr); none: quiet. */
  progress?: ProgressSink;
  labelColumn: string;
  /** Candidate category boosts; the ranking is chosen on the validation split. */
  boosts: number[];
  train: TrainOptions;
  /**
   * The linear classifier over the raw descriptors that serves the class probabilities
   * (fitted after the head); absent = the head's cosine classifier serves them.
   */
  classifier?: LinearClassifierOptions;
  /**
   * Train products photographed on dev-pool scenes, added to the head's and the classifier's
   * training rows with their product's label (lib/pipeline/scene-features.ts); absent or count 0: studio photos only.
   */
  scenes?: SceneTrainingOptions;
  onEpoch?: (log: EpochLog) => void;
};

export type TrainModelResult = {
  model: ModelManifest;
  log: EpochLog[];
  bestEpoch: number;
  /** The fitted linear classifier, its validation top-1 accuracy beside the head's. */
  classifier?: LinearClassifierFit & { valAccuracy: number };
  seconds: number;
  /** Validation-split results per candidate ranking. */
  boostSearch: { ranking: RankingConfig; val: EvalVariant["overall"] }[];
  /** The classifier's temperature fitted on validation, with the NLL before and after. */
  calibration?: { temperature: number; nll: number; nllAtOne: number };
  /** The colour fusion chosen on validation, with the results per embedding share; and what computing the colours cost. */
  colour: ColourChoice & { computed: number; seconds: number };
  /** The scene composites trained on and what they cost. */
  scenes: SceneFeatures["stats"];
  /** Wall seconds of each step, in order: where the training time goes. */
  phases: { name: string; seconds: number }[];
};

/** The strongest plain matches the served ranking always keeps (a guarantee, not a tuned value: decision 0012). */
const KEEP_PLAIN = 2;

/** Plain cosine, then each boost with each source of P(label | query). */
export function rankingCandidates(boosts: readonly number[]): RankingConfig[] {
  const candidates: RankingConfig[] = [{ categoryBoost: 0, source: "classifier", neighbours: 10, sharpness: 10 }];
  for (const categoryBoost of boosts.filter((b) => b > 0)) {
    for (const source of ["classifier", "neighbours", "blend"] as const) {
      candidates.push({ categoryBoost, source, neighbours: 10, sharpness: 10 });
    }
  }
  return candidates;
}

function rowsOf(items: readonly CatalogItem[], split: CatalogItem["split"]): number[] {
  return items.flatMap((item, row) => (item.split === split ? [row] : []));
}


/**
 * Trains the head on the catalog's train split (validation split for early
 * stopping and for choosing the category boost; the test split is never seen),
 * merges it into the served ONNX model and records the choices in its manifest.
 */
export async function trainModel(items: readonly CatalogItem[], options: TrainModelOptions): Promise<TrainModelResult> {
  const started = Date.now();
  const phases: TrainModelResult["phases"] = [];
  let phaseStart = started;
  const phase = (name: string) => {
    const now = Date.now();
    phases.push({ name, seconds: (now - phaseStart) / 1000 });
    phaseStart = now;
  };
  const filtered = items.filter((item) => item.split !== "excluded");
  const labels = [...new Set(filtered.map((item) => item.label))].sort();
  if (labels.length < 2) throw new AppError("bad_request", "Training needs at least two labels with a split");
  const classOf = new Map(labels.map((label, i) => [label, i]));
  const backbone = await resolvePipelineBackbone(options.modelsDir);
  const { features } = await loadItemFeatures(options, backbone, filtered);
  const dim = backbone.features?.dim ?? backbone.embedding.dim;
  const trainRows = rowsOf(filtered, "train");
  const valRows = rowsOf(filtered, "val");
  const toSet = (rows: number[]) => ({
    features: gatherRows(features, dim, rows),
    labels: Int32Array.from(rows, (row) => classOf.get(filtered[row]!.label)!),
  });
  const studioTrain = toSet(trainRows);
  const val = toSet(valRows);
  phase("descriptors");
  const scenes = await loadSceneFeatures(options, backbone, trainRows.map((row) => filtered[row]!), options.scenes ?? { count: 0, seed: 0 });
  const trainSet = appendRows(studioTrain, scenes.features, Int32Array.from(scenes.items, (item) => classOf.get(item.label)!));
  phase("scene composites");
  const { weights, log, bestEpoch } = await trainHead(trainSet, val, labels.length, options.train, options.onEpoch);
  phase("head");
  let classifier: TrainModelResult["classifier"];
  if (options.classifier) {
    const fit = await fitLinearClassifier(trainSet, labels.length, options.classifier);
    const probabilities = classifyFeatures(fit.classifier, val.features);
    const correct = val.labels.filter((label, r) => argMax(probabilities.subarray(r * labels.length, (r + 1) * labels.length)) === label).length;
    classifier = { ...fit, valAccuracy: correct / Math.max(val.labels.length, 1) };
    weights.classifier = fit.classifier;
    phase("classifier");
  }

  let model = await buildTrainedModel({
    modelsDir: options.modelsDir,
    backbone,
    head: weights,
    labelColumn: options.labelColumn,
    labels,
  });
  // Choose the category boost on the validation split (queries = val items, index = whole filtered catalog).
  const input = { items: filtered, features, queryRows: valRows };
  const embedded = await embedItems(options.modelsDir, model, filtered, features);
  const candidates = rankingCandidates(options.boosts);
  const results = await runProtocols(model, input, embedded, candidates.map((ranking) => ({ name: "val", ranking })));
  const boostSearch = candidates.map((ranking, i) => ({ ranking, val: results[i]!.overall }));
  phase("merged model and ranking choice");
  // The targets are P@5, MRR and mAP@10 alike: keep the ranking with the best mean of the three.
  const merit = (m: EvalVariant["overall"]) => (m.pAt5 + m.mrr + m.mapAt10) / 3;
  const best = boostSearch.reduce((a, b) => (merit(b.val) > merit(a.val) ? b : a));
  // Temperature scaling on the validation split: the boost then follows how often a confidence is right.
  const valProbabilities = embedded.probabilities && gatherRows(embedded.probabilities, labels.length, valRows);
  const calibration = valProbabilities ? fitTemperature(valProbabilities, val.labels) : undefined;
  const ranking: RankingConfig = { ...best.ranking, temperature: calibration?.temperature ?? 1, keepPlain: best.ranking.categoryBoost > 0 ? KEEP_PLAIN : 0 };
  // Colour: studio-masked descriptors of every photo (cached by content hash), fused at the share chosen on validation.
  const loaded = await loadItemColours(options, defaultColourDescriptor, filtered);
  const choice = await chooseColourFusion(model, input, embedded, loaded.colours, defaultColourDescriptor, ranking, options.labelColumn);
  // The stored vectors now fuse colour: the id (index file, pgvector table) says so.
  model = { ...model, ranking, colour: choice.fusion, id: fusedModelId(model.id, choice.fusion) };
  phase("calibration and colour choice");
  return {
    model,
    log,
    bestEpoch,
    classifier,
    seconds: (Date.now() - started) / 1000,
    boostSearch,
    calibration,
    colour: { ...choice, computed: loaded.computed, seconds: loaded.seconds },
    scenes: scenes.stats,
    phases,
  };
}

/** A training set with more labelled rows after its own. */
function appendRows(set: TrainSet, features: Float32Array, labels: Int32Array): TrainSet {
  if (labels.length === 0) return set;
  const joined = new Float32Array(set.features.length + features.length);
  joined.set(set.features);
  joined.set(features, set.features.length);
  const joinedLabels = new Int32Array(set.labels.length + labels.length);
  joinedLabels.set(set.labels);
  joinedLabels.set(labels, set.labels.length);
  return { features: joined, labels: joinedLabels };
}

function argMax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Makes a trained model the served one, crash-safely: its index is added to the
 * served catalog generation first, then its manifest is written (atomically) last.
 * A kill at any point leaves the previous model, manifest and index served. Model
 * files referenced by neither the new nor the previous manifest are then removed.
 */
export async function publishTrainedModel(
  model: ModelManifest,
  options: Pick<TrainModelOptions, "modelsDir" | "cacheDir" | "catalogDir" | "maxPixels" | "progress"> & { reindex: boolean },
): Promise<{ indexFile?: string; removed: string[] }> {
  const log = options.progress && ((line: string) => void options.progress!.write(`${line}\n`));
  const indexFile = options.reindex ? (await reindexCatalog({ ...options, log }, model)).indexFile : undefined;
  const previous = (await pathExists(manifestPath(options.modelsDir, model.name)))
    ? await readModelManifest(options.modelsDir, model.name).catch(() => undefined)
    : undefined;
  await writeModelManifest(options.modelsDir, model);
  const keep = new Set([model.file, model.head?.file, previous?.file, previous?.head?.file]);
  const removed: string[] = [];
  for (const name of await fs.readdir(options.modelsDir)) {
    if (name.startsWith(`${model.name}`) && name.endsWith(".onnx") && !keep.has(name)) {
      await fs.rm(path.join(options.modelsDir, name), { force: true });
      removed.push(name);
    }
  }
  return { indexFile, removed };
}

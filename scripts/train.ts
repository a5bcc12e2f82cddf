import path from "node:path";
import { z } from "zod";
import { readCatalog } from "../lib/catalog/store";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { formatDuration, formatProgress, snapshotProgress } from "../lib/progress";
import { writeJsonAtomic } from "../lib/fs/atomic";
import { describeRanking } from "../lib/pipeline/evaluate";
import { publishTrainedModel, trainModel } from "../lib/pipeline/train-model";
import { defaultTrainOptions } from "../lib/train/train-head";

const d = defaultTrainOptions;
/** Chosen on the validation split's dev-pool scenes against the training time it costs (docs/decisions/0012). */
const SCENES_DEFAULT = 3000;
const optionsSchema = z.object({
  catalog: z.string().optional(),
  hidden: z.coerce.number().int().min(0).max(8192).default(d.hiddenDim),
  dim: z.coerce.number().int().min(8).max(2048).default(d.embedDim),
  p: z.coerce.number().int().min(2).max(256).default(d.p),
  k: z.coerce.number().int().min(2).max(64).default(d.k),
  margin: z.coerce.number().positive().max(2).default(d.margin),
  ceWeight: z.coerce.number().min(0).default(d.ceWeight),
  scale: z.coerce.number().positive().default(d.scale),
  lr: z.coerce.number().positive().max(1).default(d.learningRate),
  weightDecay: z.coerce.number().min(0).default(d.weightDecay),
  dropout: z.coerce.number().min(0).max(0.9).default(d.dropout),
  epochs: z.coerce.number().int().min(1).max(1000).default(d.maxEpochs),
  patience: z.coerce.number().int().min(1).default(d.patience),
  seed: z.coerce.number().int().default(d.seed),
  boosts: z
    .string()
    .default("0.05,0.1,0.2,0.3,0.5")
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().min(0))),
  classifier: z.enum(["linear", "cosine"]).default("linear"),
  classifierL2: z.coerce.number().positive().default(0.01),
  classifierEvaluations: z.coerce.number().int().min(1).max(10_000).default(150),
  noReindex: z.boolean().default(false),
  /** Train products composited onto dev-pool scenes, added to the training rows (0: studio photos only). */
  scenes: z.coerce.number().int().min(0).max(100_000).default(SCENES_DEFAULT),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const catalogDir = options.catalog ? path.resolve(options.catalog) : config.CATALOG_DIR;
  const { items, manifest } = await readCatalog(catalogDir);
  console.log(
    `train: P=${options.p} K=${options.k} margin=${options.margin} hidden=${options.hidden} dim=${options.dim} ` +
      `ce=${options.ceWeight} lr=${options.lr} wd=${options.weightDecay} dropout=${options.dropout} seed=${options.seed}`,
  );
  let trainSeconds = 0;
  const result = await trainModel(items, {
    modelsDir: config.MODELS_DIR,
    cacheDir: config.CACHE_DIR,
    catalogDir,
    maxPixels: config.MAX_IMAGE_PIXELS,
    progress: process.stderr,
    labelColumn: manifest.labelColumn,
    boosts: options.boosts,
    classifier:
      options.classifier === "linear"
        ? { l2: options.classifierL2, maxEvaluations: options.classifierEvaluations, progress: process.stderr }
        : undefined,
    scenes: { count: options.scenes, seed: options.seed },
    train: {
      hiddenDim: options.hidden,
      embedDim: options.dim,
      p: options.p,
      k: options.k,
      margin: options.margin,
      ceWeight: options.ceWeight,
      scale: options.scale,
      learningRate: options.lr,
      weightDecay: options.weightDecay,
      dropout: options.dropout,
      maxEpochs: options.epochs,
      patience: options.patience,
      seed: options.seed,
    },
    onEpoch: (e) => {
      trainSeconds += e.seconds;
      // Early stopping may end sooner: the ETA is for the most epochs.
      const epochs = formatProgress(snapshotProgress(e.epoch, 0, options.epochs, trainSeconds), "epoch");
      console.log(
        `epoch ${String(e.epoch).padStart(2)}  train ${e.trainLoss.toFixed(4)} (triplet ${e.trainTriplet.toFixed(4)}, ` +
          `active ${(100 * e.activeTriplets).toFixed(1)}%)  val ${e.valLoss.toFixed(4)} (triplet ${e.valTriplet.toFixed(4)}, ` +
          `acc ${(100 * e.valAccuracy).toFixed(1)}%)  ${e.seconds.toFixed(1)} s${e.best ? "  *best" : ""}  [${epochs}]`,
      );
    },
  });
  const sc = result.scenes;
  console.log(`scenes: ${sc.composed} train products on dev-pool scenes (${sc.computed} embedded, ${sc.cached} cached, ${sc.skipped} skipped) in ${formatDuration(sc.seconds)}`);
  for (const b of result.boostSearch) {
    console.log(
      `val ${describeRanking(b.ranking)}: P@5 ${b.val.pAt5.toFixed(4)} MRR ${b.val.mrr.toFixed(4)} mAP@10 ${b.val.mapAt10.toFixed(4)}`,
    );
  }
  if (result.classifier) {
    const c = result.classifier;
    console.log(
      `classifier: linear over the descriptors (λ ${options.classifierL2}), ${c.evaluations} L-BFGS evaluations, ` +
        `loss ${c.loss.toFixed(4)}, val acc ${(100 * c.valAccuracy).toFixed(1)}%, ${c.seconds.toFixed(1)} s`,
    );
  }
  if (result.calibration) {
    const c = result.calibration;
    console.log(`calibration: temperature ${c.temperature} (val NLL ${c.nllAtOne.toFixed(4)} → ${c.nll.toFixed(4)})`);
  }
  for (const r of result.colour.shares) {
    const gamma = r.gamma === undefined ? "" : ` (learned, γ ${r.gamma})`;
    console.log(`val colour share ${(1 - r.share).toFixed(2)}${gamma}: P@5 type ${r.type.toFixed(4)}  type+colour ${r.typeColour.toFixed(4)}  colour ${r.colour.toFixed(4)}`);
  }
  const fusion = result.colour.fusion;
  console.log(
    `colour: ${result.colour.computed} descriptors computed in ${result.colour.seconds.toFixed(1)} s; embedding share per mode ` +
      `style ${fusion.modes.style}, balanced ${fusion.modes.balanced}, colour ${fusion.modes.colour}` +
      (fusion.learned ? `; learned colour (γ ${fusion.learned.gamma}) over ${fusion.learned.labels.length} ${fusion.learned.column} names` : "") +
      (fusion.learned ?? fusion.names
        ? `; colour names val accuracy ${(100 * (result.colour.nameAccuracy ?? 0)).toFixed(1)}%`
        : "; no colour names (no baseColour values)"),
  );
  console.log(`time: ${result.phases.map((p) => `${p.name} ${formatDuration(p.seconds)}`).join(", ")}`);
  console.log(
    `train: best epoch ${result.bestEpoch} of ${result.log.length}, ranking ${describeRanking(result.model.ranking!)}, ` +
      `${formatDuration(result.seconds)} → models/${result.model.file} (${result.model.id})`,
  );
  await writeJsonAtomic(path.join("reports", "train.json"), {
    options,
    model: result.model.id,
    bestEpoch: result.bestEpoch,
    seconds: result.seconds,
    phases: result.phases,
    epochs: result.log,
    classifier: result.classifier && {
      evaluations: result.classifier.evaluations,
      loss: result.classifier.loss,
      valAccuracy: result.classifier.valAccuracy,
      seconds: result.classifier.seconds,
    },
    scenes: result.scenes,
    boostSearch: result.boostSearch,
    calibration: result.calibration,
    colour: { shares: result.colour.shares, modes: fusion.modes, indexShare: fusion.indexShare, gamma: fusion.learned?.gamma, nameAccuracy: result.colour.nameAccuracy, seconds: result.colour.seconds },
  });
  const published = await publishTrainedModel(result.model, {
    modelsDir: config.MODELS_DIR,
    cacheDir: config.CACHE_DIR,
    catalogDir,
    maxPixels: config.MAX_IMAGE_PIXELS,
    progress: process.stderr,
    reindex: !options.noReindex,
  });
  if (published.indexFile) console.log(`train: re-indexed the catalog for ${result.model.name} → ${published.indexFile}`);
  console.log(`train: now serving ${result.model.name} (${result.model.id})${published.removed.length ? `; removed ${published.removed.join(", ")}` : ""}`);
});

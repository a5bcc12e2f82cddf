import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import type { RangeMethod } from "../lib/onnx/calibration-histogram";
import { buildBackboneModel } from "../lib/model/build-backbone";
import { buildInt8BackboneFromDataset, defaultInt8Settings, describeMethod } from "../lib/model/quantize-backbone";

const methodSchema = z
  .string()
  .regex(/^(minmax|entropy|percentile:\d+(\.\d+)?)$/, "minmax, entropy or percentile:<p>, e.g. percentile:99.999")
  .transform((s): RangeMethod => (s.startsWith("percentile:") ? { kind: "percentile", percentile: Number(s.slice(11)) } : { kind: s as "minmax" | "entropy" }));

const optionsSchema = z.object({
  height: z.coerce.number().int().min(32).max(1024).optional(),
  width: z.coerce.number().int().min(32).max(1024).optional(),
  resize: z.enum(["center-crop", "letterbox"]).optional(),
  /** Skip the post-training int8 variant (`<name>-int8`, calibrated on train-split photos), which the pipeline otherwise embeds and trains with. */
  fp32Only: z.boolean().default(false),
  calibrationPhotos: z.coerce.number().int().min(1).max(5000).default(300),
  calibrationSeed: z.coerce.number().int().default(1),
  int8Method: methodSchema.optional(),
  int8Activations: z.enum(["uint8", "int8"]).optional(),
  int8KeepFirstConv: z.enum(["true", "false"]).optional(),
  // The catalog build's split settings (npm run catalog:build's defaults), so calibration stays inside its train split.
  labelColumn: z.string().default("articleType"),
  minPerLabel: z.coerce.number().int().nonnegative().default(100),
  seed: z.coerce.number().int().default(42),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const started = Date.now();
  const { height: h, width: w, resize: r } = options;
  const manifest = await buildBackboneModel({ modelsDir: config.MODELS_DIR, preprocess: { height: h, width: w, resize: r } });
  const { height, width, resize } = manifest.preprocess;
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `model:build: ${manifest.name} (${manifest.id}) → ${config.MODELS_DIR}/${manifest.file}, ` +
      `${manifest.embedding.dim}-d, input ${height}×${width} ${resize}, ${seconds()} s`,
  );
  if (options.fp32Only) return;
  const settings = {
    activationType: options.int8Activations ?? defaultInt8Settings.activationType,
    method: options.int8Method ?? defaultInt8Settings.method,
    keepFirstConv: options.int8KeepFirstConv === undefined ? defaultInt8Settings.keepFirstConv : options.int8KeepFirstConv === "true",
  };
  console.log(`model:build: calibrating int8 (${settings.activationType} activations, ${describeMethod(settings.method)}) on ${options.calibrationPhotos} train photos…`);
  const int8 = await buildInt8BackboneFromDataset({
    modelsDir: config.MODELS_DIR,
    fp32: manifest,
    photos: {
      images: path.join(config.DATASET_DIR, "images.tar"),
      csv: path.join(config.DATASET_DIR, "styles.csv"),
      count: options.calibrationPhotos,
      seed: options.calibrationSeed,
      split: { labelColumn: options.labelColumn, minPerLabel: options.minPerLabel, seed: options.seed },
    },
    settings,
  });
  console.log(`model:build: ${int8.name} (${int8.id}) → ${config.MODELS_DIR}/${int8.file}, ${seconds()} s; catalogs are embedded and heads trained on it (--fp32-only skips it)`);
});

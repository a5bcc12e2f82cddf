// npx tsx bench/int8-backbone.ts [--calibration 300] [--eval 2000] [--out reports/int8-backbone.json]
// The evidence of docs/decisions/0011: the ImageNet backbone in fp32 vs its int8 variants on
// photos of the data set itself (no catalog build needed): calibration methods compared by
// agreement with fp32, retrieval agreement and P@5 on held-out val+test photos, paired speed.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { Embedder } from "../lib/embed/embedder";
import { writeFileAtomic } from "../lib/fs/atomic";
import { preprocessImage } from "../lib/image/preprocess";
import { cosine } from "../lib/matrix";
import { readCalibrationPhotos } from "../lib/model/calibration-photos";
import { BACKBONE_NAME, readModelManifest, type ModelManifest } from "../lib/model/manifest";
import { calibrateBackbone, defaultInt8Settings, describeMethod, writeInt8Backbone, type Int8Settings } from "../lib/model/quantize-backbone";
import { replanCalibration } from "../lib/onnx/quantize-model";
import { countConvGflop } from "./lib/conv-flops";
import { recallAtK } from "./lib/stats";
import { subsetPAt5, subsetTop10, timePaired, type Variant } from "./lib/variant-timing";

const optionsSchema = z.object({
  calibration: z.coerce.number().int().min(1).default(300),
  eval: z.coerce.number().int().min(20).default(2000),
  /** Photos whose agreement ranks the calibration methods (the first of the eval photos). */
  methodPhotos: z.coerce.number().int().min(10).default(300),
  rounds: z.coerce.number().int().min(1).default(5),
  out: z.string().default("reports/int8-backbone.json"),
});

const split = { labelColumn: "articleType", minPerLabel: 100, seed: 42 };
const methods: Int8Settings[] = [
  { ...defaultInt8Settings, method: { kind: "minmax" } },
  { ...defaultInt8Settings, method: { kind: "percentile", percentile: 99.99 } },
  defaultInt8Settings,
  { ...defaultInt8Settings, method: { kind: "percentile", percentile: 99.9999 } },
  { ...defaultInt8Settings, method: { kind: "entropy" } },
  { ...defaultInt8Settings, activationType: "int8" },
  { ...defaultInt8Settings, keepFirstConv: false },
];

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  const fp32 = await readModelManifest(config.MODELS_DIR, BACKBONE_NAME);
  const workDir = path.resolve("tmp/int8-backbone");
  await fs.mkdir(workDir, { recursive: true });
  const draw = { images: path.join(config.DATASET_DIR, "images.tar"), csv: path.join(config.DATASET_DIR, "styles.csv"), split };
  const calibration = await readCalibrationPhotos({ ...draw, count: options.calibration, seed: 1 });
  const half = Math.ceil(options.eval / 2);
  const evalPhotos = [
    ...(await readCalibrationPhotos({ ...draw, count: half, seed: 2, from: "val" })),
    ...(await readCalibrationPhotos({ ...draw, count: options.eval - half, seed: 3, from: "test" })),
  ];
  const timingPhotos = (await readCalibrationPhotos({ ...draw, count: 48, seed: 5 })).map((p) => p.bytes);
  const labels = evalPhotos.map((p) => p.label);

  log(`calibrating on ${calibration.length} train photos`);
  const started = performance.now();
  // Calibrated with every convolution planned; keeping the first in fp32 needs a subset of those tensors.
  const calibratedAll = await calibrateBackbone(config.MODELS_DIR, fp32, calibration.map((p) => p.bytes), { keepFirstConv: false });
  const calibrationSeconds = (performance.now() - started) / 1000;
  const calibrated = replanCalibration(calibratedAll, { keepFirstConv: true });

  const embed = async (manifest: ModelManifest, modelsDir: string, photos: typeof evalPhotos) => {
    const embedder = await Embedder.create(modelsDir, manifest);
    try {
      const embedding = new Float32Array(photos.length * 2048);
      const features = new Float32Array(photos.length * 5120);
      for (let i = 0; i < photos.length; i += 16) {
        const chunk = photos.slice(i, i + 16);
        const out = await embedder.runBatch(await Promise.all(chunk.map((p) => embedder.preprocess(p.bytes, { maxPixels: 1e7 }))), true);
        embedding.set(out.embedding, i * 2048);
        features.set(out.features!, i * 5120);
      }
      return { embedding, features };
    } finally {
      await embedder.dispose();
    }
  };
  log(`embedding ${evalPhotos.length} val+test photos with fp32`);
  const reference = await embed(fp32, config.MODELS_DIR, evalPhotos);
  const fp32Top10 = subsetTop10(reference.embedding, 2048, evalPhotos.length);
  const fp32P5 = subsetPAt5(reference.embedding, 2048, labels);

  const rows = [];
  let recipeFile: string | undefined;
  for (const settings of methods) {
    const name = `${settings.activationType} activations, ${describeMethod(settings.method)}${settings.keepFirstConv ? "" : ", first convolution int8 too"}`;
    const dir = path.join(workDir, name.replace(/[^a-z0-9.]+/gi, "-"));
    await fs.mkdir(dir, { recursive: true });
    const manifest = await writeInt8Backbone({
      modelsDir: dir,
      fp32,
      calibration: settings.keepFirstConv ? calibrated : calibratedAll,
      settings,
      photos: { count: calibration.length, source: "bench/int8-backbone.ts" },
    });
    const isRecipe = settings === defaultInt8Settings;
    if (isRecipe) recipeFile = path.join(dir, manifest.file);
    // Every method on the first methodPhotos photos; the recipe and MinMax on all of them (P@5, top-10).
    const photos = isRecipe || settings.method.kind === "minmax" ? evalPhotos : evalPhotos.slice(0, options.methodPhotos);
    log(`embedding ${photos.length} photos with int8 (${name})`);
    const got = await embed(manifest, dir, photos);
    const n = photos.length;
    const cos = (a: Float32Array, b: Float32Array, dim: number) => Array.from({ length: n }, (_, i) => cosine(a.subarray(i * dim, (i + 1) * dim), b.subarray(i * dim, (i + 1) * dim)));
    const embeddingCos = cos(got.embedding, reference.embedding, 2048);
    const descriptorCos = cos(got.features, reference.features, 5120);
    const fullSet = n === evalPhotos.length;
    rows.push({
      name,
      recipe: isRecipe,
      photos: n,
      embeddingCosine: summarise(embeddingCos),
      descriptorCosine: summarise(descriptorCos),
      ...(fullSet
        ? { pAt5: subsetPAt5(got.embedding, 2048, labels), fp32PAt5: fp32P5, top10Overlap: recallAtK(subsetTop10(got.embedding, 2048, n), fp32Top10, 10) }
        : {}),
    });
    log(JSON.stringify(rows.at(-1)));
  }

  log(`paired timing, ${options.rounds} rounds, batch 1 and 16`);
  const pixels = await Promise.all(timingPhotos.map((b) => preprocessImage(b, fp32.preprocess, { maxPixels: 1e7 })));
  const { height, width } = fp32.preprocess;
  const variant = (name: string, file: string, batch: number): Variant => ({ name, file, batch, height, width, settings: { graphOptimizationLevel: "all", threads: config.ORT_THREADS } });
  const fp32File = path.join(config.MODELS_DIR, fp32.file);
  const paired = [];
  for (const batch of [1, 16]) {
    const fp32Timed = variant("fp32", fp32File, batch);
    const int8Timed = variant("int8", recipeFile!, batch);
    const { ratio, ratios } = await timePaired(fp32Timed, int8Timed, fp32, pixels, options.rounds);
    // Control: fp32 against itself should read ≈ 1; how far it is not is the pairing's noise.
    const control = await timePaired(fp32Timed, fp32Timed, fp32, pixels, 1);
    paired.push({ batch, speedup: ratio, rounds: ratios, fp32AgainstItself: control.ratio });
    log(`batch ${batch}: fp32 / int8 = ${ratio.toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(", ")})`);
  }

  const result = {
    date: new Date().toISOString(),
    command: `npx tsx bench/int8-backbone.ts --calibration ${options.calibration} --eval ${options.eval}`,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverage: os.loadavg() },
    fp32: { id: fp32.id, gflopPerPhoto: await countConvGflop(path.join(config.MODELS_DIR, fp32.file), fp32, pixels[0]!) },
    calibration: { photos: calibration.length, split: "train", seconds: calibrationSeconds },
    evalPhotos: { count: evalPhotos.length, splits: "val + test", fp32PAt5: fp32P5 },
    variants: rows,
    paired,
  };
  await writeFileAtomic(options.out, new TextEncoder().encode(`${JSON.stringify(result, null, 2)}\n`));
  log(`wrote ${options.out}`);
});

function summarise(values: number[]): { mean: number; p1: number; min: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { mean: values.reduce((s, v) => s + v, 0) / values.length, p1: sorted[Math.floor(sorted.length * 0.01)]!, min: sorted[0]! };
}

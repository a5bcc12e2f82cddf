import { promises as fs } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { writeFileAtomic } from "../fs/atomic";
import { preprocessImage } from "../image/preprocess";
import type { RangeMethod } from "../onnx/calibration-histogram";
import { buildQuantizedModel, calibrateModel, type Calibration } from "../onnx/quantize-model";
import type { ActivationType } from "../onnx/quantize-math";
import { contentId } from "./build-backbone";
import { readCalibrationPhotos, type CalibrationPhotoOptions } from "./calibration-photos";
import { writeModelManifest, type ModelManifest } from "./manifest";

/** The int8 variant's settings: what the manifest records and what `model:build` takes. */
export type Int8Settings = {
  activationType: ActivationType;
  method: RangeMethod;
  /** The 7×7 stem convolution stays fp32 (3 input channels: 3% of the work, the most sensitive layer). */
  keepFirstConv: boolean;
};

/** The recipe measured in docs/decisions/0011-int8-backbone.md. */
export const defaultInt8Settings: Int8Settings = {
  activationType: "uint8",
  method: { kind: "percentile", percentile: 99.999 },
  keepFirstConv: true,
};

const CALIBRATION_BATCH = 4;

/**
 * Calibrates the fp32 model on photos preprocessed exactly as the embedder does (the
 * manifest's pipeline), in batches of a few, in the order given.
 */
export async function calibrateBackbone(
  modelsDir: string,
  fp32: ModelManifest,
  photos: readonly Uint8Array[],
  settings: Pick<Int8Settings, "keepFirstConv">,
): Promise<Calibration> {
  const { height, width } = fp32.preprocess;
  async function* feeds() {
    for (let i = 0; i < photos.length; i += CALIBRATION_BATCH) {
      const chunk = photos.slice(i, i + CALIBRATION_BATCH);
      const pixels = await Promise.all(chunk.map((bytes) => preprocessImage(bytes, fp32.preprocess, { maxPixels: 50_000_000 })));
      const batch = new Float32Array(pixels.reduce((s, p) => s + p.length, 0));
      pixels.forEach((p, j) => batch.set(p, j * p.length));
      yield { [fp32.input.name]: new ort.Tensor("float32", batch, [chunk.length, height, width, 3]) };
    }
  }
  return calibrateModel(await fs.readFile(path.join(modelsDir, fp32.file)), feeds(), settings);
}

/**
 * Writes `<modelsDir>/<fp32 name>-int8.onnx` and its manifest: the fp32 backbone with its
 * convolutions (and the residual additions between them) in QDQ int8, the descriptor
 * pooling and normalisation in fp32. Its id differs from the fp32 model's, so caches and
 * indexes never mix their vectors.
 */
export async function writeInt8Backbone(options: {
  modelsDir: string;
  fp32: ModelManifest;
  calibration: Calibration;
  settings: Int8Settings;
  /** Recorded in the manifest: how many photos calibrated it and where they came from. */
  photos: { count: number; source: string };
}): Promise<ModelManifest> {
  const { fp32, settings } = options;
  const bytes = buildQuantizedModel(options.calibration, settings);
  const name = `${fp32.name}-int8`;
  const file = `${name}.onnx`;
  await writeFileAtomic(path.join(options.modelsDir, file), bytes);
  const manifest: ModelManifest = {
    ...fp32,
    id: contentId(bytes, fp32.preprocess),
    name,
    file,
    createdAt: new Date().toISOString(),
    source: `${fp32.source}, post-training int8 (QDQ)`,
    quantization: {
      from: { id: fp32.id, name: fp32.name },
      weights: "int8 symmetric, per output channel",
      activations: `${settings.activationType} asymmetric, per tensor`,
      method: describeMethod(settings.method),
      keptFp32: [...(settings.keepFirstConv ? ["first convolution"] : []), "descriptor pooling and everything after it"],
      calibration: { photos: options.photos.count, source: options.photos.source },
    },
  };
  await writeModelManifest(options.modelsDir, manifest);
  return manifest;
}

/** Calibrates on `photos` and writes the int8 backbone beside the fp32 one (see writeInt8Backbone). */
export async function buildInt8Backbone(options: {
  modelsDir: string;
  fp32: ModelManifest;
  photos: readonly Uint8Array[];
  photoSource: string;
  settings?: Int8Settings;
}): Promise<ModelManifest> {
  const settings = options.settings ?? defaultInt8Settings;
  const calibration = await calibrateBackbone(options.modelsDir, options.fp32, options.photos, settings);
  return writeInt8Backbone({
    modelsDir: options.modelsDir,
    fp32: options.fp32,
    calibration,
    settings,
    photos: { count: options.photos.length, source: options.photoSource },
  });
}

/**
 * `model:build` (unless `--fp32-only`): draws the calibration photos from the data set's train split
 * (see readCalibrationPhotos) and builds the int8 backbone from the fp32 one.
 */
export async function buildInt8BackboneFromDataset(options: {
  modelsDir: string;
  fp32: ModelManifest;
  photos: CalibrationPhotoOptions;
  settings?: Int8Settings;
}): Promise<ModelManifest> {
  const photos = await readCalibrationPhotos(options.photos);
  return buildInt8Backbone({
    modelsDir: options.modelsDir,
    fp32: options.fp32,
    photos: photos.map((p) => p.bytes),
    photoSource: `${photos.length} ${options.photos.from ?? "train"}-split photos of ${path.basename(options.photos.images)} (draw seed ${options.photos.seed})`,
    settings: options.settings,
  });
}

/** Human-readable range method, e.g. `percentile 99.999`. */
export function describeMethod(method: RangeMethod): string {
  return method.kind === "percentile" ? `percentile ${method.percentile}` : method.kind;
}

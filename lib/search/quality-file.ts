import path from "node:path";
import { pathExists, readJson, writeJsonAtomic } from "../fs/atomic";
import type { ModelManifest } from "../model/manifest";
import { createQualityScale, qualityCalibrationSchema, type QualityCalibration, type QualityScale } from "./match-quality";

/** Path of a model's match-quality calibration (`<modelsDir>/<name>.quality.json`, beside its manifest). */
export function qualityPathFor(modelsDir: string, modelName: string): string {
  return path.join(modelsDir, `${modelName}.quality.json`);
}

/** Writes a model's calibration atomically. */
export async function writeQualityCalibration(modelsDir: string, modelName: string, calibration: QualityCalibration): Promise<void> {
  await writeJsonAtomic(qualityPathFor(modelsDir, modelName), calibration);
}

/**
 * The quality scale the service serves for `model`: its calibration when one was fitted
 * for this model id (zod-checked), else the uncalibrated fallback (and a log line saying so).
 */
export async function loadQualityScale(modelsDir: string, model: Pick<ModelManifest, "id" | "name">): Promise<QualityScale> {
  const file = qualityPathFor(modelsDir, model.name);
  const calibration = (await pathExists(file)) ? await readJson(file, qualityCalibrationSchema) : undefined;
  const scale = createQualityScale(calibration, model.id);
  if (!scale.calibrated) console.warn(`[quality] ${model.name} has no match-quality calibration for ${model.id}: run \`npm run calibrate\``);
  return scale;
}

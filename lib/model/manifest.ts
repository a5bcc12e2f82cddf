import path from "node:path";
import { z } from "zod";
import { pathExists, readJson, writeJsonAtomic } from "../fs/atomic";
import { AppError } from "../errors";
import { preprocessSchema, type PreprocessConfig } from "../image/preprocess-config";
import { colourFusionSchema, fusedDim } from "../colour/colour-fusion";

// The manifest carries the preprocessing; lib/image owns its shape.
export { preprocessSchema, type PreprocessConfig };

export const modelManifestSchema = z.object({
  version: z.literal(1),
  /** Content id: the first 16 hex digits of the ONNX file's sha256. */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  name: z.string(),
  file: z.string(),
  createdAt: z.string(),
  source: z.string(),
  kind: z.enum(["backbone", "trained"]),
  input: z.object({ name: z.string() }),
  preprocess: preprocessSchema,
  /** L2-normalised embedding output. */
  embedding: z.object({ output: z.string(), dim: z.number().int().positive() }),
  /** The backbone descriptor a head is trained on (see descriptorLayout), when the graph exposes it. */
  features: z.object({ output: z.string(), dim: z.number().int().positive() }).optional(),
  /** For a post-training int8 variant: the fp32 model it was made from and the recipe (docs/decisions/0011). */
  quantization: z
    .object({
      from: z.object({ id: z.string(), name: z.string() }),
      weights: z.string(),
      activations: z.string(),
      method: z.string(),
      keptFp32: z.array(z.string()),
      calibration: z.object({ photos: z.number().int().positive(), source: z.string() }),
    })
    .optional(),
  /** For a trained model: the backbone whose features the head was trained on (their cache is shared). */
  backbone: z.object({ id: z.string(), name: z.string() }).optional(),
  /** For a trained model: the head alone as its own graph (input `features`), to embed cached features. */
  head: z.object({ file: z.string(), input: z.string() }).optional(),
  /** Label classifier: softmax probabilities over `labels`. */
  classifier: z
    .object({ output: z.string(), labelColumn: z.string(), labels: z.array(z.string()) })
    .optional(),
  /**
   * Category-aware ranking: results are ordered by cosine + categoryBoost × P(item's label | query),
   * so they stay visually ordered within the most likely categories. Chosen on the validation split.
   */
  ranking: z
    .object({
      categoryBoost: z.number().min(0),
      /**
       * Where P(label | query) comes from: the classifier, a vote of the query's nearest
       * catalog neighbours (weights = cosine^sharpness), or the mean of both.
       */
      source: z.enum(["classifier", "neighbours", "blend"]).default("classifier"),
      neighbours: z.number().int().min(1).max(100).default(10),
      sharpness: z.number().min(0).default(10),
      /**
       * Calibration of P(label | query): probabilities are raised to 1/temperature and
       * renormalised (temperature scaling, fitted on validation), so the boost follows
       * how often a confidence is right, not how sure the classifier sounds (absent: 1).
       */
      temperature: z.number().positive().optional(),
      /** The strongest plain (unboosted) matches always kept in the results, so a wrong category cannot erase them (absent: 0). */
      keepPlain: z.number().int().min(0).max(10).optional(),
    })
    .optional(),
  /** Colour fused into the stored vectors, and the search modes (lib/colour/colour-fusion.ts). */
  colour: colourFusionSchema.optional(),
});
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Floats per vector in the model's index: the embedding, plus the colour descriptor when it fuses one. */
export function indexDimOf(model: Pick<ModelManifest, "embedding" | "colour">): number {
  return fusedDim(model.embedding.dim, model.colour);
}

/** Keras ImageNet ResNet50 ("caffe" mode): BGR, ImageNet mean subtracted, no scaling. */
export const caffePreprocess: PreprocessConfig = {
  height: 224,
  width: 224,
  resize: "center-crop",
  channelOrder: "BGR",
  mean: [103.939, 116.779, 123.68],
  std: [1, 1, 1],
  layout: "NHWC",
  background: [255, 255, 255],
};

/**
 * The served input geometry, chosen by measurement (docs/decisions/0004-input-geometry.md):
 * catalog photos are 3:4 portraits, so 224×168 sees the whole product without padding or
 * cropping, for 75% of the compute of 224×224 at the same precision.
 */
export const servedGeometry: Pick<PreprocessConfig, "height" | "width" | "resize"> = {
  height: 224,
  width: 168,
  resize: "letterbox",
};

/** The fp32 conversion of the Keras weights. */
export const BACKBONE_NAME = "resnet50-imagenet";
/** Its post-training int8 variant (docs/decisions/0011-int8-backbone.md), which `model:build` also writes by default. */
export const INT8_BACKBONE_NAME = `${BACKBONE_NAME}-int8`;
export const TRAINED_NAME = "product-embedder";

/** Path of a model's manifest (`<modelsDir>/<name>.json`). */
export function manifestPath(modelsDir: string, name: string): string {
  return path.join(modelsDir, `${name}.json`);
}

export async function readModelManifest(modelsDir: string, name: string): Promise<ModelManifest> {
  return readJson(manifestPath(modelsDir, name), modelManifestSchema);
}

export async function writeModelManifest(modelsDir: string, manifest: ModelManifest): Promise<void> {
  await writeJsonAtomic(manifestPath(modelsDir, manifest.name), manifest);
}

/** Backbones in the order the pipeline prefers them: int8 when built (twice the photos per core), else fp32. */
const backboneNames = [INT8_BACKBONE_NAME, BACKBONE_NAME];

/**
 * The backbone catalogs are embedded with and heads are trained on: the int8 one when
 * `model:build` wrote it (its default), else the fp32 conversion.
 */
export async function resolvePipelineBackbone(modelsDir: string): Promise<ModelManifest> {
  for (const candidate of backboneNames) {
    if (await pathExists(manifestPath(modelsDir, candidate))) return readModelManifest(modelsDir, candidate);
  }
  throw new AppError("not_ready", `No model in ${modelsDir}: run \`npm run model:build\` first`);
}

/**
 * The model the app and scripts serve: MODEL_NAME when set, else the trained
 * embedder when one was built, else the pipeline's backbone (resolvePipelineBackbone).
 */
export async function resolveServedModel(modelsDir: string, name?: string): Promise<ModelManifest> {
  if (name) return readModelManifest(modelsDir, name);
  if (await pathExists(manifestPath(modelsDir, TRAINED_NAME))) return readModelManifest(modelsDir, TRAINED_NAME);
  return resolvePipelineBackbone(modelsDir);
}

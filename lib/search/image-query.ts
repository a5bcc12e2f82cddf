import { defaultColourDescriptor } from "../colour/colour-descriptor";
import { fuseItemVector, fuseQueryVector, type SearchMode } from "../colour/colour-fusion";
import { predictColourName, type PredictedColour } from "../colour/colour-names";
import { describeDecodedStudioColour, describeStudioPhotoColour } from "../colour/studio-colour";
import type { ImageEmbedder } from "../embed/embedder";
import type { DecodeLimits } from "../image/decode";
import { normalisePixels, toModelPixels, toModelPixelsFromRaw } from "../image/preprocess";
import type { ModelManifest } from "../model/manifest";
import { prepareQuery, type QueryRegion, type RegionRequest } from "../region/query-region";

/** A query photo turned into what the store is searched with. */
export type ImageQuery = {
  /** The vector to search with: the embedding, fused with the region's colour for the mode when the model fuses colour. */
  vector: Float32Array;
  probabilities?: Float32Array;
  region: QueryRegion;
  /** The region's colour by name, when the model knows colour names. */
  colour: PredictedColour | null;
  tookMs: { decode: number; region: number; embed: number };
};

/**
 * The one query path of the served search: the region (auto / user / none) with its
 * background neutralised, the model's embedding and class probabilities, and the region's
 * colour descriptor fused into the query vector by `mode` (lib/colour/colour-fusion.ts).
 */
export async function embedImageQuery(
  embedder: ImageEmbedder,
  model: ModelManifest,
  bytes: Uint8Array,
  limits: DecodeLimits,
  request: RegionRequest,
  mode: SearchMode,
): Promise<ImageQuery> {
  const fusion = model.colour;
  const { pixels, region, describeColour, tookMs } = await startQueryInput(model, bytes, limits, request);
  const t0 = performance.now();
  // The model runs on its own thread (ThreadedEmbedder) while this one describes the colour.
  const running = embedder.run(pixels, 1);
  const [out, colour] = await Promise.all([running, describeColour()]);
  const embed = performance.now() - t0;
  return {
    vector: fusion ? fuseQueryVector(out.embedding, colour, fusion, mode) : out.embedding,
    probabilities: out.probabilities,
    region,
    colour: fusion ? predictColourName(colour, fusion) : null,
    tookMs: { ...tookMs, embed: embed + tookMs.pixels },
  };
}

/** A query photo as the served model takes it: normalised input pixels, the region, and its colour descriptor. */
export type QueryInput = {
  /** The model-sized RGB the model sees (height×width×3, uint8), before normalisation. */
  rgb: Uint8Array;
  pixels: Float32Array;
  region: QueryRegion;
  colour: Float32Array;
  tookMs: { decode: number; region: number; pixels: number };
};

/**
 * The model input of a query photo, exactly as the search embeds it: the prepared region
 * (lib/region/query-region.ts), or for a studio photo under `auto` the catalog's own
 * preprocessing, so a catalog photo finds itself at cosine 1.
 */
export async function prepareQueryInput(model: ModelManifest, bytes: Uint8Array, limits: DecodeLimits, request: RegionRequest): Promise<QueryInput> {
  const { describeColour, ...input } = await startQueryInput(model, bytes, limits, request);
  return { ...input, colour: await describeColour() };
}

/** prepareQueryInput with the colour descriptor left to compute, so that the model can start first. */
async function startQueryInput(
  model: ModelManifest,
  bytes: Uint8Array,
  limits: DecodeLimits,
  request: RegionRequest,
): Promise<Omit<QueryInput, "colour"> & { describeColour: () => Promise<Float32Array> }> {
  const fusion = model.colour;
  const prepared = await prepareQuery(bytes, model.preprocess, fusion?.descriptor ?? defaultColourDescriptor, limits, request);
  const t0 = performance.now();
  const own = prepared.studioPhoto;
  const rgb =
    prepared.pixels ?? (own && (await toModelPixelsFromRaw(own.data, own.width, own.height, model.preprocess))) ?? (await toModelPixels(bytes, model.preprocess, limits));
  const pixels = normalisePixels(rgb, model.preprocess);
  // A studio photo's colour is the catalog's: studio-masked, from the decoded photo when there is one.
  const describeColour = async () =>
    prepared.pixels || !fusion
      ? prepared.colour
      : own
        ? describeDecodedStudioColour(own.data, own.width, own.height, fusion.descriptor)
        : describeStudioPhotoColour(bytes, fusion.descriptor, limits);
  return { rgb, pixels, region: prepared.region, describeColour, tookMs: { ...prepared.tookMs, pixels: performance.now() - t0 } };
}

/**
 * The vector a catalog photo is stored with, exactly as the catalog build computes it: the
 * whole studio photo's embedding, fused with its studio-masked colour when the model fuses colour.
 */
export async function embedCatalogPhoto(
  embedder: ImageEmbedder,
  model: ModelManifest,
  bytes: Uint8Array,
  limits: DecodeLimits,
): Promise<{ vector: Float32Array; probabilities?: Float32Array }> {
  const { embedding, probabilities } = await embedder.run(await embedder.preprocess(bytes, limits), 1);
  if (!model.colour) return { vector: embedding, probabilities };
  const colour = await describeStudioPhotoColour(bytes, model.colour.descriptor, limits);
  return { vector: fuseItemVector(embedding, colour, model.colour), probabilities };
}

import sharp from "sharp";
import { describeRgbColour, type ColourDescriptorConfig } from "../colour/colour-descriptor";
import { acceptImage, toCorruptImageError } from "../image/accept";
import { openImage, type DecodeLimits } from "../image/decode";
import { estimateStudioMask, type StudioMask } from "../image/studio-mask";
import type { PreprocessConfig } from "../model/manifest";
import { localiseProduct, WHOLE_IMAGE, type Box, type Localisation } from "./localise";

/** Which part of a query photo to search with: found automatically, given by the user, or all of it. */
export type RegionRequest = { source: "auto" } | { source: "none" } | { source: "user"; box: Box };

export type QueryRegion = Box & { source: "auto" | "user" | "none"; confidence?: number };

export type PreparedQuery = {
  /**
   * Model-sized RGB (height×width×3, uint8), ready for normalisePixels; null for a studio
   * photo under `auto`, which is embedded exactly as the catalog's photos were (whole, by the
   * embedder's own preprocessing, colour from the studio mask: lib/search/image-query.ts).
   */
  pixels: Uint8Array | null;
  /**
   * For that studio photo, when it is opaque and at its own size: the decoded photo, the very
   * pixels the catalog's preprocessing and studio colour decode, so the caller need not decode it again.
   */
  studioPhoto?: Raster;
  region: QueryRegion;
  /** Colour descriptor of the region, weighted by its foreground estimate. */
  colour: Float32Array;
  /** Milliseconds spent decoding, and finding the region, neutralising it and describing its colour. */
  tookMs: { decode: number; region: number };
};

export type PrepareQueryOptions = {
  /** Blend the region's background towards the studio background before embedding (default true). */
  neutralise?: boolean;
};

/** Long side of the raster the product is searched on: the photo's layout, not its detail. */
const LOCALISE_SIDE = 128;
/** Long side the photo is decoded at for the model crop (the model sees 224 px at most). */
const DECODE_SIDE = 768;
/**
 * A photo whose border is this uniform and this light is already a studio photo, framed like the catalog's.
 * Measured on 800 val catalog photos and 150 dev-pool composites (decision 0012): at 0.8, 91.1% of the
 * catalog photos count as studio (all but those on a grey or coloured backdrop) and 4 of 150 scenes do.
 */
const STUDIO_BORDER_AGREEMENT = 0.8;
const STUDIO_MIN_LIGHTNESS = 88;
const STUDIO_MAX_CHROMA = 8;
/** A user's box is masked by the whole photo's foreground estimate when it holds at least this share of it. */
const MIN_FOREGROUND_SHARE = 0.5;

/** Interleaved 8-bit RGB. */
export type Raster = { data: Uint8Array; width: number; height: number };

async function decodeRaster(bytes: Uint8Array, limits: DecodeLimits, background: PreprocessConfig["background"]): Promise<Raster> {
  const [r, g, b] = background;
  try {
    const { data, info } = await openImage(bytes, limits)
      .flatten({ background: { r, g, b } })
      .toColourspace("srgb")
      .resize({ width: DECODE_SIDE, height: DECODE_SIDE, fit: "inside", withoutEnlargement: true })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw toCorruptImageError(error);
  }
}

async function resizeRaster(src: Raster, width: number, height: number): Promise<Raster> {
  // sharp returns the same bytes for the same size (checked on catalog photos); skip the round trip.
  if (width === src.width && height === src.height) return src;
  const data = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: 3 } })
    .resize({ width, height, fit: "fill" })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
}

/** The pixels of `box` (fractions) of a raster, at least one pixel each way. */
export function cropRaster(src: Raster, box: Box): Raster {
  const x0 = Math.min(Math.floor(box.x * src.width), src.width - 1);
  const y0 = Math.min(Math.floor(box.y * src.height), src.height - 1);
  const width = Math.max(1, Math.min(Math.round(box.w * src.width), src.width - x0));
  const height = Math.max(1, Math.min(Math.round(box.h * src.height), src.height - y0));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * src.width + x0) * 3;
    data.set(src.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { data, width, height };
}

/** The mask value at fractional position (u, v) of a w×h mask, bilinear. */
function sampleMask(mask: Float32Array, width: number, height: number, u: number, v: number): number {
  const x = Math.min(Math.max(u * width - 0.5, 0), width - 1);
  const y = Math.min(Math.max(v * height - 0.5, 0), height - 1);
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const tx = x - x0;
  const ty = y - y0;
  const top = mask[y0 * width + x0]! * (1 - tx) + mask[y0 * width + x1]! * tx;
  const bottom = mask[y1 * width + x0]! * (1 - tx) + mask[y1 * width + x1]! * tx;
  return top * (1 - ty) + bottom * ty;
}

/**
 * Blends every pixel of `crop` towards `background` by (1 − foreground), with the foreground
 * mask given over `maskBox` of the localisation raster, so the query looks like a studio photo.
 */
export function neutraliseBackground(crop: Raster, loc: Localisation, maskBox: Box, background: readonly number[]): Raster {
  const out = new Uint8Array(crop.data.length);
  for (let y = 0; y < crop.height; y++)
    for (let x = 0; x < crop.width; x++) {
      const u = maskBox.x + ((x + 0.5) / crop.width) * maskBox.w;
      const v = maskBox.y + ((y + 0.5) / crop.height) * maskBox.h;
      const m = sampleMask(loc.mask, loc.width, loc.height, u, v);
      const p = (y * crop.width + x) * 3;
      for (let c = 0; c < 3; c++) out[p + c] = Math.round(m * crop.data[p + c]! + (1 - m) * background[c]!);
    }
  return { data: out, width: crop.width, height: crop.height };
}

/** Fits a raster into the model's input as its preprocessing says (letterbox pads, centre-crop cuts). */
async function fitToModel(src: Raster, config: PreprocessConfig): Promise<Uint8Array> {
  const { width: W, height: H } = config;
  const scale = config.resize === "letterbox" ? Math.min(W / src.width, H / src.height) : Math.max(W / src.width, H / src.height);
  const rw = Math.max(1, Math.round(src.width * scale));
  const rh = Math.max(1, Math.round(src.height * scale));
  const resized = await resizeRaster(src, rw, rh);
  const ox = Math.floor((W - rw) / 2);
  const oy = Math.floor((H - rh) / 2);
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const sx = x - ox;
      const sy = y - oy;
      const inside = sx >= 0 && sy >= 0 && sx < rw && sy < rh;
      const p = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) out[p + c] = inside ? resized.data[(sy * rw + sx) * 3 + c]! : config.background[c]!;
    }
  return out;
}

function localisationSize(width: number, height: number): [number, number] {
  const scale = Math.min(1, LOCALISE_SIDE / Math.max(width, height));
  return [Math.max(8, Math.round(width * scale)), Math.max(8, Math.round(height * scale))];
}

/**
 * Turns a query photo into the model's input for the requested region: `auto` localises the
 * product (falling back to the whole photo when unsure), `user` takes the given box (masked
 * by the whole photo's foreground estimate when the box holds most of it), `none` keeps the
 * photo whole. Inside the region, the background is blended towards the studio background by
 * the soft foreground mask when the estimate is confident. Also returns the region's
 * foreground-weighted colour descriptor.
 */
export async function prepareQuery(
  bytes: Uint8Array,
  config: PreprocessConfig,
  colourConfig: ColourDescriptorConfig,
  limits: DecodeLimits,
  request: RegionRequest,
  options: PrepareQueryOptions = {},
): Promise<PreparedQuery> {
  const t0 = performance.now();
  const accepted = await acceptImage(bytes, "query", limits);
  const photo = await decodeRaster(bytes, limits, config.background);
  const t1 = performance.now();
  const [lw, lh] = localisationSize(photo.width, photo.height);
  const small = await resizeRaster(photo, lw, lh);

  // The product is always looked for in the whole photo: inside a user's box the border is
  // mostly product, so a background model learned there would be wrong (decision 0012).
  // A studio photo is searched exactly as the catalog was embedded: a crop would only change its
  // scale, and neutralising an already white background can only bleach a light product.
  const studio = studioMaskOf(small);
  if (request.source === "auto" && studio) {
    const colour = describeRgbColour(small.data, colourConfig, Float32Array.from(studio.alpha, (a) => a / 255));
    // Flattening on any background leaves an opaque photo's pixels as they are: the decode is the catalog's.
    const own = !accepted.hasAlpha && photo.width === accepted.width && photo.height === accepted.height;
    return {
      pixels: null,
      ...(own ? { studioPhoto: photo } : {}),
      region: { ...WHOLE_IMAGE, source: "auto" },
      colour,
      tookMs: { decode: t1 - t0, region: performance.now() - t1 },
    };
  }
  const loc = localiseProduct(small.data, small.width, small.height);
  let box: Box = WHOLE_IMAGE;
  if (request.source === "user") box = request.box;
  else if (request.source === "auto" && loc.confident) box = loc.box;
  // A user's box that holds little of the estimated foreground framed something else: no mask there.
  const maskUsable = loc.confident && request.source !== "none" && (request.source === "auto" || foregroundShareInside(loc, box) >= MIN_FOREGROUND_SHARE);

  let crop = cropRaster(photo, box);
  if ((options.neutralise ?? true) && maskUsable) crop = neutraliseBackground(crop, loc, box, config.background);

  const colourPixels = cropRaster(small, box);
  const weights = maskUsable ? maskWeights(loc, box, colourPixels) : undefined;
  const colour = describeRgbColour(colourPixels.data, colourConfig, weights);

  const confidence = request.source === "user" ? undefined : loc.confidence;
  const region: QueryRegion = { ...box, source: request.source, ...(confidence === undefined ? {} : { confidence }) };
  const pixels = await fitToModel(crop, config);
  return { pixels, region, colour, tookMs: { decode: t1 - t0, region: performance.now() - t1 } };
}

/** The studio mask of a photo whose border is one light, near-neutral colour, as on the catalog's studio photos; else null. */
function studioMaskOf(raster: Raster): StudioMask | null {
  const mask = estimateStudioMask(raster.data, raster.width, raster.height, 3, { feather: 0 });
  const [l, a, b] = mask.backgroundLab;
  const studio = mask.borderAgreement >= STUDIO_BORDER_AGREEMENT && l >= STUDIO_MIN_LIGHTNESS && Math.hypot(a, b) <= STUDIO_MAX_CHROMA;
  return studio && mask.box ? mask : null;
}

/** Share of the localisation's foreground mass that lies inside `box`. */
function foregroundShareInside(loc: Localisation, box: Box): number {
  let inside = 0;
  let total = 0;
  for (let y = 0; y < loc.height; y++)
    for (let x = 0; x < loc.width; x++) {
      const m = loc.mask[y * loc.width + x]!;
      total += m;
      const u = (x + 0.5) / loc.width;
      const v = (y + 0.5) / loc.height;
      if (u >= box.x && u <= box.x + box.w && v >= box.y && v <= box.y + box.h) inside += m;
    }
  return total > 0 ? inside / total : 0;
}

/** The mask sampled at each pixel of a raster that covers `maskBox` of the localisation raster. */
function maskWeights(loc: Localisation, maskBox: Box, raster: Raster): Float32Array {
  const out = new Float32Array(raster.width * raster.height);
  for (let y = 0; y < raster.height; y++)
    for (let x = 0; x < raster.width; x++) {
      const u = maskBox.x + ((x + 0.5) / raster.width) * maskBox.w;
      const v = maskBox.y + ((y + 0.5) / raster.height) * maskBox.h;
      out[y * raster.width + x] = sampleMask(loc.mask, loc.width, loc.height, u, v);
    }
  return out;
}

import { convertPixelsToLab } from "../image/lab";
import { measureMaskBounds } from "../image/mask-bounds";
import { clusterColours, computeMixtureCost, distanceToClusters } from "./colour-clusters";
import { blurBox, labelComponents, thresholdOtsu } from "./mask-ops";

/** A rectangle in fractions of the image: x, y of the top-left corner, width and height, all in [0, 1]. */
export type Box = { x: number; y: number; w: number; h: number };

export const WHOLE_IMAGE: Box = { x: 0, y: 0, w: 1, h: 1 };

/** Where the product probably is in a photo, and how sure the estimate is. */
export type Localisation = {
  /** The product's box (with `margin`), or the whole image when `confident` is false. */
  box: Box;
  /** In [0, 1]: how cleanly the foreground separates from the background model. */
  confidence: number;
  confident: boolean;
  /** Soft foreground probability per pixel of the w×h raster it was computed on. */
  mask: Float32Array;
  width: number;
  height: number;
};

export type LocaliseOptions = {
  /** Fraction of the box size added on each side. */
  margin?: number;
  /** Below this confidence the whole image is used. */
  minConfidence?: number;
};

/** Colour clusters of the background and of each refinement's fg/bg models. */
const CLUSTERS = 5;
/** Distances beyond this many cluster spreads count as equally foreground. */
const DISTANCE_CAP = 12;
const REFINE_ROUNDS = 3;
/** Log-likelihood ratios beyond this count as certain (one wild pixel must not outvote its neighbours). */
const COST_CAP = 8;
/** How strongly the centre of the photo is favoured (shoppers frame what they photograph). */
const CENTRE_WEIGHT = 0.4;
/** A separate blob is kept when it is at least this share of the largest one (a pair of shoes). */
const KEEP_SHARE = 0.2;
/** How much closer (in cluster spreads) to the foreground model a pixel must be to count as foreground. */
const TIE_TO_BACKGROUND = 1;
/** Border clusters smaller than this share are left out of the background model. */
const MIN_BORDER_SHARE = 0.1;
/** At most this many pixels feed each colour model (a strided sample). */
const MODEL_SAMPLE = 3000;

function sampleIndices(select: (p: number) => boolean, pixels: number): Int32Array {
  const all: number[] = [];
  for (let p = 0; p < pixels; p++) if (select(p)) all.push(p);
  if (all.length <= MODEL_SAMPLE) return Int32Array.from(all);
  const stride = all.length / MODEL_SAMPLE;
  return Int32Array.from({ length: MODEL_SAMPLE }, (_, i) => all[Math.floor(i * stride)]!);
}

function centrePrior(width: number, height: number): Float32Array {
  const prior = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const nx = ((x + 0.5) / width - 0.5) * 2;
      const ny = ((y + 0.5) / height - 0.5) * 2;
      prior[y * width + x] = Math.exp(-0.5 * (nx * nx + ny * ny));
    }
  return prior;
}

function isBorder(p: number, width: number, height: number, band: number): boolean {
  const x = p % width;
  const y = (p - x) / width;
  return x < band || y < band || x >= width - band || y >= height - band;
}

/**
 * Estimates the product's region in a photo without any detector: the background is modelled
 * by colour clusters (CIELAB) of the image border, each pixel is scored by its distance to that
 * model with a mild centre prior, Otsu's threshold gives a first foreground, and a few
 * GrabCut-like rounds re-fit foreground and background colour models and relabel every pixel
 * (smoothed over its neighbours). The largest connected blob (plus blobs of comparable size)
 * gives the box; the confidence measures how cleanly the soft mask separates inside from
 * outside, and drops when the blob fills the frame or runs along its border.
 * `rgb` is packed 8-bit sRGB of a width×height raster (about 100 px on the long side is enough).
 */
export function localiseProduct(rgb: Uint8Array, width: number, height: number, options: LocaliseOptions = {}): Localisation {
  const margin = options.margin ?? 0.05;
  const minConfidence = options.minConfidence ?? 0.3;
  const pixels = width * height;
  const lab = convertPixelsToLab(rgb, 3);
  const band = Math.max(2, Math.round(0.04 * Math.min(width, height)));
  const border = sampleIndices((p) => isBorder(p, width, height, band), pixels);
  const prior = centrePrior(width, height);

  // A product that runs off the frame puts its colours on the border too, as a small cluster:
  // the background model keeps only the clusters that cover a real share of the border.
  const borderClusters = clusterColours(lab, border, CLUSTERS, 1);
  const major = borderClusters.filter((c) => c.weight >= MIN_BORDER_SHARE);
  const toBackground = distanceToClusters(lab, major.length > 0 ? major : borderClusters);
  const score = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    score[p] = (Math.min(toBackground[p]!, DISTANCE_CAP) / DISTANCE_CAP) * (1 - CENTRE_WEIGHT + CENTRE_WEIGHT * prior[p]!);
  }
  // Three spreads from every background cluster is the least that counts as "not background".
  const floor = (3 / DISTANCE_CAP) * (1 - CENTRE_WEIGHT);
  const threshold = Math.max(thresholdOtsu(score, 0, 1), floor);
  let fg = Uint8Array.from(score, (s) => (s > threshold ? 1 : 0));
  let ratio: Float32Array = Float32Array.from(score, (s) => (s - threshold) * DISTANCE_CAP);

  for (let round = 0; round < REFINE_ROUNDS; round++) {
    const fgIdx = sampleIndices((p) => fg[p] === 1, pixels);
    const bgIdx = sampleIndices((p) => fg[p] === 0, pixels);
    if (fgIdx.length < 0.005 * pixels || bgIdx.length < 0.02 * pixels) break;
    const fgCost = computeMixtureCost(lab, clusterColours(lab, fgIdx, CLUSTERS, 2 + round));
    const bgCost = computeMixtureCost(lab, clusterColours(lab, bgIdx, CLUSTERS, 7 + round));
    const raw = new Float32Array(pixels);
    for (let p = 0; p < pixels; p++) {
      const colour = Math.max(Math.min(bgCost[p]! - fgCost[p]!, COST_CAP), -COST_CAP);
      // A pixel both models explain equally well is background: the foreground model was fitted
      // on a first guess that may hold some background.
      raw[p] = colour + 2 * CENTRE_WEIGHT * (prior[p]! - 0.6) - TIE_TO_BACKGROUND;
    }
    ratio = blurBox(raw, width, height, 1);
    fg = Uint8Array.from(ratio, (r) => (r > 0 ? 1 : 0));
  }

  const { labels, sizes } = labelComponents(fg, width, height);
  const largest = sizes.reduce((best, s) => Math.max(best, s), 0);
  const keep = new Uint8Array(pixels);
  let borderKept = 0;
  let borderTotal = 0;
  for (let p = 0; p < pixels; p++) {
    const onBorder = isBorder(p, width, height, 1);
    if (onBorder) borderTotal++;
    const id = labels[p]!;
    if (id < 0 || sizes[id]! < KEEP_SHARE * largest) continue;
    keep[p] = 1;
    if (onBorder) borderKept++;
  }
  const { box: bounds, count: kept } = measureMaskBounds(keep, width);

  const near = blurBox(Float32Array.from(keep), width, height, 2);
  const mask = new Float32Array(pixels);
  let inside = 0;
  let outside = 0;
  for (let p = 0; p < pixels; p++) {
    mask[p] = near[p]! > 0 ? 1 / (1 + Math.exp(-1.5 * ratio[p]!)) : 0;
    if (keep[p]) inside += mask[p]!;
    else outside += mask[p]!;
  }
  const area = kept / pixels;
  const contrast = kept === 0 ? 0 : inside / kept - outside / Math.max(pixels - kept, 1);
  const plausible = area >= 0.01 && area <= 0.85 ? 1 : 0.3;
  const touching = borderKept / Math.max(borderTotal, 1);
  const confidence = Math.max(0, Math.min(1, contrast)) * plausible * Math.max(0, 1 - 2 * touching);
  const confident = bounds !== null && confidence >= minConfidence;
  const box = confident ? expandBox({ x: bounds.x / width, y: bounds.y / height, w: bounds.w / width, h: bounds.h / height }, margin) : WHOLE_IMAGE;
  return { box, confidence, confident, mask, width, height };
}

/** The box grown by `margin` × its size on each side, clipped to the image. */
export function expandBox(box: Box, margin: number): Box {
  const x = Math.max(0, box.x - margin * box.w);
  const y = Math.max(0, box.y - margin * box.h);
  const right = Math.min(1, box.x + box.w * (1 + margin));
  const bottom = Math.min(1, box.y + box.h * (1 + margin));
  return { x, y, w: right - x, h: bottom - y };
}

/** Intersection over union of two boxes. */
export function intersectBoxes(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = w * h;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

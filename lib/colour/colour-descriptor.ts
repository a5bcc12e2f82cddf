import { z } from "zod";
import { convertPixelsToLab } from "../image/lab";

/**
 * The colour descriptor's parameters; recorded in the model manifest so the server checks
 * that the index was built with the same bins as the queries it describes.
 */
export const colourDescriptorSchema = z.object({
  kind: z.literal("lab-hue-lightness-chroma"),
  /** Lightness bins of the achromatic axis (black … white). */
  greyBins: z.number().int().min(1).max(16),
  /** Hue bins around the a*b* circle (soft, circular). */
  hueBins: z.number().int().min(2).max(36),
  /** Lightness bins of the chromatic part. */
  lightnessBins: z.number().int().min(1).max(8),
  /** Chroma bins of the chromatic part (muted … vivid). */
  chromaBins: z.number().int().min(1).max(4),
  /** Below this chroma a pixel is grey; above `chromaFull` it is fully chromatic (linear in between). */
  chromaFloor: z.number().min(0),
  chromaFull: z.number().min(0),
  /** Chroma of the most vivid bin's centre (sRGB reaches about 130; fabric rarely beyond 80). */
  chromaMax: z.number().positive(),
});
export type ColourDescriptorConfig = z.infer<typeof colourDescriptorSchema>;

/** The served default (docs/decisions/0012-region-and-colour.md). */
export const defaultColourDescriptor: ColourDescriptorConfig = {
  kind: "lab-hue-lightness-chroma",
  greyBins: 5,
  hueBins: 12,
  lightnessBins: 3,
  chromaBins: 2,
  chromaFloor: 6,
  chromaFull: 16,
  chromaMax: 80,
};

/** Number of floats in a descriptor of this configuration. */
export function colourDescriptorDim(config: ColourDescriptorConfig): number {
  return config.greyBins + config.hueBins * config.lightnessBins * config.chromaBins;
}

/** Soft assignment of x to n bins with centres (i + 0.5) · span / n, clamped at both ends. */
function splitLinear(x: number, span: number, n: number): [number, number, number] {
  const pos = Math.min(Math.max((x / span) * n - 0.5, 0), n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return [lo, hi, pos - lo];
}

/** Splits `weight` (colour × hue share × lightness share) between the two chroma bins of one corner. */
function addCorner(hist: Float64Array, base: number, c0: number, c1: number, weight: number, ct: number): void {
  hist[base + c0]! += weight * (1 - ct);
  hist[base + c1]! += weight * ct;
}

/**
 * A foreground-weighted colour histogram in CIELAB, soft-binned so that a small colour change
 * moves mass gradually: an achromatic axis over lightness, and hue × lightness × chroma for the
 * coloured part (a pixel's chroma decides how much of it is grey). `lab` is packed L, a, b per
 * pixel; `weights` (one per pixel, ≥ 0, e.g. a foreground mask) defaults to all ones, and all
 * ones is also used when the weights sum to zero. Returns the Hellinger embedding (square root
 * of the normalised histogram), which has unit L2 norm, so cosine = Bhattacharyya coefficient.
 */
export function computeColourDescriptor(
  lab: Float32Array,
  config: ColourDescriptorConfig = defaultColourDescriptor,
  weights?: ArrayLike<number>,
): Float32Array {
  const { greyBins, hueBins, lightnessBins, chromaBins, chromaFloor, chromaFull, chromaMax } = config;
  const hist = new Float64Array(colourDescriptorDim(config));
  const pixels = lab.length / 3;
  let total = 0;
  if (weights) for (let p = 0; p < pixels; p++) total += Math.max(weights[p] ?? 0, 0);
  const useWeights = weights !== undefined && total > 0;
  const chromaRange = Math.max(chromaFull - chromaFloor, 1e-6);
  const perHue = lightnessBins * chromaBins;
  for (let p = 0; p < pixels; p++) {
    const w = useWeights ? Math.max(weights![p] ?? 0, 0) : 1;
    if (w === 0) continue;
    const l = lab[3 * p]!;
    const a = lab[3 * p + 1]!;
    const b = lab[3 * p + 2]!;
    const chroma = Math.hypot(a, b);
    const coloured = Math.min(Math.max((chroma - chromaFloor) / chromaRange, 0), 1);
    const grey = w * (1 - coloured);
    if (grey > 0) {
      const [g0, g1, gt] = splitLinear(l, 100, greyBins);
      hist[g0]! += grey * (1 - gt);
      hist[g1]! += grey * gt;
    }
    const colour = w * coloured;
    if (colour === 0) continue;
    // Hue is circular: bin i is centred on (i + 0.5) · 360° / hueBins, the last one wraps to the first.
    const turn = (Math.atan2(b, a) / (2 * Math.PI) + 1) % 1;
    const hPos = turn * hueBins - 0.5;
    const h0 = (Math.floor(hPos) + hueBins) % hueBins;
    const h1 = (h0 + 1) % hueBins;
    const ht = hPos - Math.floor(hPos);
    const [l0, l1, lt] = splitLinear(l, 100, lightnessBins);
    const [c0, c1, ct] = splitLinear(chroma - chromaFull, chromaMax - chromaFull, chromaBins);
    // The four hue × lightness corners, in the order (h0, l0), (h0, l1), (h1, l0), (h1, l1); no array per pixel.
    addCorner(hist, greyBins + h0 * perHue + l0 * chromaBins, c0, c1, colour * (1 - ht) * (1 - lt), ct);
    addCorner(hist, greyBins + h0 * perHue + l1 * chromaBins, c0, c1, colour * (1 - ht) * lt, ct);
    addCorner(hist, greyBins + h1 * perHue + l0 * chromaBins, c0, c1, colour * ht * (1 - lt), ct);
    addCorner(hist, greyBins + h1 * perHue + l1 * chromaBins, c0, c1, colour * ht * lt, ct);
  }
  let sum = 0;
  for (const v of hist) sum += v;
  const out = new Float32Array(hist.length);
  if (sum > 0) for (let i = 0; i < hist.length; i++) out[i] = Math.sqrt(hist[i]! / sum);
  return out;
}

/** The descriptor of packed 8-bit sRGB pixels (see computeColourDescriptor). */
export function describeRgbColour(
  rgb: Uint8Array,
  config: ColourDescriptorConfig = defaultColourDescriptor,
  weights?: ArrayLike<number>,
): Float32Array {
  return computeColourDescriptor(convertPixelsToLab(rgb, 3), config, weights);
}

/** Which part of the descriptor a bin is, for tests and for naming a colour. */
export function describeColourBin(
  index: number,
  config: ColourDescriptorConfig = defaultColourDescriptor,
): { kind: "grey"; lightness: number } | { kind: "colour"; hue: number; lightness: number; chroma: number } {
  if (index < config.greyBins) return { kind: "grey", lightness: index };
  const rest = index - config.greyBins;
  const perHue = config.lightnessBins * config.chromaBins;
  return {
    kind: "colour",
    hue: Math.floor(rest / perHue),
    lightness: Math.floor((rest % perHue) / config.chromaBins),
    chroma: rest % config.chromaBins,
  };
}

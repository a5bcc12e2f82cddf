/**
 * sRGB (8-bit, D65) to CIE L*a*b*: the perceptual space in which a distance of
 * about 2.3 is a just-noticeable colour difference (CIE76 ΔE).
 */

const srgbToLinear = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  srgbToLinear[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

// D65 reference white.
const xn = 0.95047;
const yn = 1.0;
const zn = 1.08883;

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}

/** L*a*b* of one 8-bit sRGB colour, written into `out` (length ≥ 3) at `at`. */
export function convertSrgbToLab(r: number, g: number, b: number, out: Float32Array | number[], at = 0): void {
  const lr = srgbToLinear[r & 255]!;
  const lg = srgbToLinear[g & 255]!;
  const lb = srgbToLinear[b & 255]!;
  const fx = labF((0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / xn);
  const fy = labF((0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb) / yn);
  const fz = labF((0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / zn);
  out[at] = 116 * fy - 16;
  out[at + 1] = 500 * (fx - fy);
  out[at + 2] = 200 * (fy - fz);
}

/** L*a*b* of every pixel of interleaved 8-bit sRGB(A) pixels: [n × 3] floats. */
export function convertPixelsToLab(pixels: Uint8Array, channels: 3 | 4): Float32Array {
  const n = Math.floor(pixels.length / channels);
  const lab = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) convertSrgbToLab(pixels[p * channels]!, pixels[p * channels + 1]!, pixels[p * channels + 2]!, lab, p * 3);
  return lab;
}

/** sRGB 8-bit → linear light, once per value instead of a pow() per pixel. */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

// D65 white point of sRGB.
const XN = 0.95047;
const YN = 1;
const ZN = 1.08883;
const EPSILON = 216 / 24389;
const KAPPA = 24389 / 27;

function toLabF(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

/**
 * Converts packed 8-bit sRGB pixels (r, g, b, r, g, b, ...) to CIELAB (D65), packed the
 * same way as L, a, b floats; L in [0, 100], a and b roughly in [-128, 128].
 */
export function convertRgbToLab(rgb: Uint8Array): Float32Array {
  const out = new Float32Array(rgb.length);
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const r = LINEAR[rgb[i]!]!;
    const g = LINEAR[rgb[i + 1]!]!;
    const b = LINEAR[rgb[i + 2]!]!;
    const fx = toLabF((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / XN);
    const fy = toLabF((0.2126729 * r + 0.7151522 * g + 0.072175 * b) / YN);
    const fz = toLabF((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / ZN);
    out[i] = 116 * fy - 16;
    out[i + 1] = 500 * (fx - fy);
    out[i + 2] = 200 * (fy - fz);
  }
  return out;
}

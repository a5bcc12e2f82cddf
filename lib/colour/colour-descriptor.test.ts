import { describe, expect, it } from "vitest";
import {
  colourDescriptorDim,
  defaultColourDescriptor as config,
  describeColourBin,
  describeRgbColour,
} from "./colour-descriptor";
import { convertPixelsToLab } from "../image/lab";

/** A w×h image filled with `outer`, with a centred square of side `side` in `inner`. */
function makeSquare(w: number, h: number, side: number, inner: number[], outer: number[]) {
  const rgb = new Uint8Array(w * h * 3);
  const mask = new Float32Array(w * h);
  const x0 = Math.floor((w - side) / 2);
  const y0 = Math.floor((h - side) / 2);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inside = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
      rgb.set(inside ? inner : outer, (y * w + x) * 3);
      mask[y * w + x] = inside ? 1 : 0;
    }
  return { rgb, mask };
}

function fill(n: number, colour: number[]): Uint8Array {
  const rgb = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) rgb.set(colour, 3 * p);
  return rgb;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Histogram mass (squared Hellinger components) per bin kind. */
function massBy(desc: Float32Array, pick: (bin: ReturnType<typeof describeColourBin>) => boolean): number {
  let m = 0;
  desc.forEach((v, i) => {
    if (pick(describeColourBin(i, config))) m += v * v;
  });
  return m;
}

describe("convertPixelsToLab", () => {
  it("matches reference CIELAB (D65) values", () => {
    const lab = convertPixelsToLab(new Uint8Array([255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 128, 128, 128]), 3);
    const expected = [100, 0, 0, 0, 0, 0, 53.2408, 80.0925, 67.2032, 32.297, 79.1875, -107.8602, 53.585, 0, 0];
    expected.forEach((v, i) => expect(lab[i]).toBeCloseTo(v, 2));
  });
});

describe("computeColourDescriptor", () => {
  it("has unit norm and the configured size", () => {
    const d = describeRgbColour(fill(10, [30, 120, 200]));
    expect(d.length).toBe(colourDescriptorDim(config));
    expect(cosine(d, d)).toBeCloseTo(1, 6);
  });

  it("a red square on white, weighted by its mask: all mass in red hue bins, none grey", () => {
    const { rgb, mask } = makeSquare(40, 40, 16, [220, 20, 30], [255, 255, 255]);
    const d = describeRgbColour(rgb, config, mask);
    // Lab hue of this red is about 38°: bins 0 (0–30°) and 1 (30–60°) of 12.
    const red = massBy(d, (b) => b.kind === "colour" && (b.hue === 0 || b.hue === 1));
    expect(red).toBeCloseTo(1, 6);
    expect(massBy(d, (b) => b.kind === "grey")).toBe(0);
  });

  it("the same image without the mask puts the white background's share on the white end of the grey axis", () => {
    const { rgb } = makeSquare(40, 40, 16, [220, 20, 30], [255, 255, 255]);
    const d = describeRgbColour(rgb, config);
    const whiteShare = 1 - (16 * 16) / (40 * 40);
    expect(massBy(d, (b) => b.kind === "grey" && b.lightness === config.greyBins - 1)).toBeCloseTo(whiteShare, 6);
  });

  it("greys land on the achromatic axis by lightness: black, mid grey and white are apart", () => {
    const black = describeRgbColour(fill(4, [5, 5, 5]));
    const grey = describeRgbColour(fill(4, [128, 128, 128]));
    const white = describeRgbColour(fill(4, [250, 250, 250]));
    for (const d of [black, grey, white]) expect(massBy(d, (b) => b.kind === "grey")).toBeCloseTo(1, 6);
    expect(cosine(black, white)).toBe(0);
    expect(cosine(black, grey)).toBeLessThan(0.1);
  });

  it("is soft: a slightly different blue stays close, navy and red are far", () => {
    const blue = describeRgbColour(fill(4, [40, 80, 200]));
    const blue2 = describeRgbColour(fill(4, [50, 90, 190]));
    const red = describeRgbColour(fill(4, [200, 30, 40]));
    expect(cosine(blue, blue2)).toBeGreaterThan(0.9);
    expect(cosine(blue, red)).toBe(0);
  });

  it("falls back to every pixel when the weights sum to zero", () => {
    const rgb = fill(6, [0, 160, 60]);
    expect([...describeRgbColour(rgb, config, new Float32Array(6))]).toEqual([...describeRgbColour(rgb, config)]);
  });
});

import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { convertSrgbToLab } from "./lab";
import { cutOutStudioProduct, estimateStudioMask } from "./studio-mask";

type Rgb = [number, number, number];

/** A width×height RGB image filled with `background`, with `paint(x, y)` overriding pixels. */
function makeImage(width: number, height: number, background: Rgb, paint: (x: number, y: number) => Rgb | undefined): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = paint(x, y) ?? background;
      out.set(c, (y * width + x) * 3);
    }
  }
  return out;
}

const white: Rgb = [255, 255, 255];
const inRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

describe("convertSrgbToLab", () => {
  it("matches reference L*a*b* values", () => {
    const lab = [0, 0, 0];
    convertSrgbToLab(255, 255, 255, lab);
    expect(lab.map((v) => Math.abs(Number(v.toFixed(2))))).toEqual([100, 0, 0]);
    convertSrgbToLab(255, 0, 0, lab);
    // sRGB red: L 53.24, a 80.09, b 67.20 (D65).
    expect(lab.map((v) => Number(v.toFixed(1)))).toEqual([53.2, 80.1, 67.2]);
  });
});

describe("estimateStudioMask", () => {
  it("finds a dark rectangle on white exactly", () => {
    const img = makeImage(12, 10, white, (x, y) => (inRect(x, y, 3, 2, 7, 6) ? [40, 60, 120] : undefined));
    const mask = estimateStudioMask(img, 12, 10, 3, { feather: 0 });
    expect(mask.box).toEqual({ x: 3, y: 2, w: 5, h: 5 });
    expect(mask.coverage).toBeCloseTo(25 / 120, 6);
    expect(mask.borderAgreement).toBe(1);
    expect(mask.alpha[0]).toBe(0);
    expect(mask.alpha[4 * 12 + 5]).toBe(255);
  });

  it("fills holes: a small white print inside a dark shirt is product", () => {
    const img = makeImage(40, 40, white, (x, y) =>
      inRect(x, y, 18, 18, 20, 20) ? white : inRect(x, y, 10, 10, 29, 29) ? [30, 30, 30] : undefined,
    );
    const mask = estimateStudioMask(img, 40, 40, 3, { feather: 0 });
    expect(mask.alpha[19 * 40 + 19]).toBe(255);
    expect(mask.coverage).toBeCloseTo(400 / 1600, 6);
  });

  it("keeps a large enclosed region of the very background colour as background (a handle's loop)", () => {
    // A dark ring 20×20 with a 10×10 white opening (5% of the image) and a near-white (ΔE ≈ 5) print elsewhere.
    const img = makeImage(40, 40, white, (x, y) =>
      inRect(x, y, 15, 15, 24, 24) ? white : inRect(x, y, 10, 10, 29, 29) ? [60, 40, 30] : undefined,
    );
    const mask = estimateStudioMask(img, 40, 40, 3, { feather: 0 });
    expect(mask.alpha[20 * 40 + 20]).toBe(0);
    expect(mask.coverage).toBeCloseTo((400 - 100) / 1600, 6);
    const print = makeImage(40, 40, white, (x, y) =>
      inRect(x, y, 15, 15, 24, 24) ? [243, 243, 243] : inRect(x, y, 10, 10, 29, 29) ? [60, 40, 30] : undefined,
    );
    expect(estimateStudioMask(print, 40, 40, 3, { feather: 0 }).alpha[20 * 40 + 20]).toBe(255);
  });

  it("treats an off-white, gradually shaded background as background", () => {
    // Background shading from 250 to 232 across the image (vignetting); a red product in the middle.
    const img = makeImage(20, 10, white, (x, y) => {
      if (inRect(x, y, 8, 3, 11, 6)) return [200, 30, 30];
      const v = 250 - x;
      return [v, v, v - 2];
    });
    const mask = estimateStudioMask(img, 20, 10, 3, { feather: 0 });
    expect(mask.box).toEqual({ x: 8, y: 3, w: 4, h: 4 });
  });

  it("keeps a pale product whose colour differs from the background beyond the tolerance", () => {
    const img = makeImage(10, 10, white, (x, y) => (inRect(x, y, 2, 2, 7, 7) ? [235, 200, 200] : undefined));
    expect(estimateStudioMask(img, 10, 10, 3, { feather: 0 }).box).toEqual({ x: 2, y: 2, w: 6, h: 6 });
  });

  it("drops JPEG-like specks and gives a soft edge that keeps the box", () => {
    const img = makeImage(40, 40, white, (x, y) =>
      x === 1 && y === 30 ? [120, 120, 120] : inRect(x, y, 10, 10, 29, 29) ? [0, 0, 0] : undefined,
    );
    const mask = estimateStudioMask(img, 40, 40, 3);
    expect(mask.box).toEqual({ x: 10, y: 10, w: 20, h: 20 });
    expect(mask.alpha[30 * 40 + 1]).toBe(0);
    // Just outside the edge: partly opaque; just inside: at least half.
    expect(mask.alpha[20 * 40 + 9]).toBeGreaterThan(0);
    expect(mask.alpha[20 * 40 + 9]).toBeLessThan(128);
    expect(mask.alpha[20 * 40 + 10]).toBeGreaterThanOrEqual(128);
    expect(mask.alpha[20 * 40 + 10]).toBeLessThan(255);
  });

  it("reports a low border agreement when the border is not one colour (a scene, not a studio)", () => {
    const img = makeImage(10, 10, white, (x, y) => [(x * 70) % 256, (y * 50) % 256, ((x + y) * 90) % 256]);
    expect(estimateStudioMask(img, 10, 10, 3).borderAgreement).toBeLessThan(0.3);
  });
});

describe("cutOutStudioProduct", () => {
  it("decodes a PNG and returns RGBA whose alpha is the mask", async () => {
    const img = makeImage(16, 16, white, (x, y) => (inRect(x, y, 4, 4, 11, 11) ? [10, 120, 10] : undefined));
    const png = await sharp(Buffer.from(img), { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer();
    const cut = await cutOutStudioProduct(png, { maxPixels: 1e6 });
    expect([cut.width, cut.height]).toEqual([16, 16]);
    expect(cut.mask.box).toEqual({ x: 4, y: 4, w: 8, h: 8 });
    expect(cut.rgba[(8 * 16 + 8) * 4 + 1]).toBe(120);
    expect(cut.rgba[(8 * 16 + 8) * 4 + 3]).toBe(255);
    expect(cut.rgba[3]).toBe(0);
  });
});

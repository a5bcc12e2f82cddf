import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { caffePreprocess, type PreprocessConfig } from "../model/manifest";
import { normalisePixels, preprocessImage, toModelPixels } from "./preprocess";

const limits = { maxPixels: 10_000_000 };

/** A 60×80 portrait photo like the catalog's: 5-row green band on top, red body, 5-row blue band at the bottom. */
async function makeBandedImage(): Promise<Buffer> {
  const width = 60;
  const height = 80;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const colour = y < 5 ? [0, 255, 0] : y >= 75 ? [0, 0, 255] : [255, 0, 0];
      raw.set(colour, (y * width + x) * 3);
    }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

function pixelAt(rgb: Uint8Array, width: number, x: number, y: number): number[] {
  const i = (y * width + x) * 3;
  return [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
}

describe("preprocessImage", () => {
  it("caffe mode: BGR order, ImageNet mean subtracted, no scaling, NHWC", () => {
    const rgb = new Uint8Array([255, 128, 0, 10, 20, 30]);
    const out = normalisePixels(rgb, caffePreprocess);
    const expected = [0 - 103.939, 128 - 116.779, 255 - 123.68, 30 - 103.939, 20 - 116.779, 10 - 123.68];
    expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 4));
  });

  it("center-crop scales the shorter side to the input size and cuts the long side evenly", async () => {
    const config: PreprocessConfig = { ...caffePreprocess, height: 224, width: 224, resize: "center-crop" };
    const rgb = await toModelPixels(await makeBandedImage(), config, limits);
    expect(rgb.length).toBe(224 * 224 * 3);
    // 60×80 → 224×299: 37.5 rows (10 source rows) are cut at each end, so the 5-row bands are gone.
    expect(pixelAt(rgb, 224, 112, 0)[0]).toBeGreaterThan(200);
    expect(pixelAt(rgb, 224, 112, 223)[0]).toBeGreaterThan(200);
    expect(pixelAt(rgb, 224, 0, 112)).toEqual([255, 0, 0]);
  });

  it("letterbox keeps the whole photo and pads the sides with the background", async () => {
    const config: PreprocessConfig = { ...caffePreprocess, height: 224, width: 224, resize: "letterbox" };
    const rgb = await toModelPixels(await makeBandedImage(), config, limits);
    // 60×80 → 168×224 centred: 28 white columns on each side.
    expect(pixelAt(rgb, 224, 5, 112)).toEqual([255, 255, 255]);
    expect(pixelAt(rgb, 224, 218, 112)).toEqual([255, 255, 255]);
    expect(pixelAt(rgb, 224, 112, 2)[1]).toBeGreaterThan(200); // green band kept
    expect(pixelAt(rgb, 224, 112, 221)[2]).toBeGreaterThan(200); // blue band kept
  });

  it("greyscale and alpha images become three sRGB channels on the background", async () => {
    const config: PreprocessConfig = { ...caffePreprocess, height: 32, width: 32 };
    const grey = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#808080" } })
      .greyscale()
      .jpeg()
      .toBuffer();
    const greyRgb = await toModelPixels(grey, config, limits);
    expect(greyRgb.length).toBe(32 * 32 * 3);
    const [r, g, b] = pixelAt(greyRgb, 32, 16, 16);
    expect(Math.abs(r! - 128)).toBeLessThan(3);
    expect(r).toBe(g);
    expect(g).toBe(b);
    const transparent = await sharp({
      create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    expect(pixelAt(await toModelPixels(transparent, config, limits), 32, 16, 16)).toEqual([255, 255, 255]);
  });

  it("returns height×width×3 floats", async () => {
    const config: PreprocessConfig = { ...caffePreprocess, height: 64, width: 48, resize: "letterbox" };
    const out = await preprocessImage(await makeBandedImage(), config, limits);
    expect(out.length).toBe(64 * 48 * 3);
  });

  it("rejects non-images, truncated images and decompression bombs with AppErrors", async () => {
    const config = caffePreprocess;
    const text = new TextEncoder().encode("hello, I am not a picture");
    await expect(preprocessImage(text, config, limits)).rejects.toMatchObject({ code: "unsupported_media_type" });
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: "#c33" } })
      .jpeg()
      .toBuffer();
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    await expect(preprocessImage(truncated, config, limits)).rejects.toBeInstanceOf(AppError);
    const bomb = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: "#fff" } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await expect(preprocessImage(bomb, config, limits)).rejects.toMatchObject({ code: "payload_too_large" });
  });
});

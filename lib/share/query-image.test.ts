import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { queryImageSpec, toQueryImage } from "./query-image";
import { MAX_QUERY_BYTES } from "./query-param";

const limits = { maxPixels: 50_000_000 };

/** A noisy photo-like RGB image: hard to compress, so the quality ladder has work to do. */
async function noisyJpeg(width: number, height: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 42;
  for (let i = 0; i < pixels.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = (i % 256) ^ (seed & 0x3f);
  }
  return new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
}

describe("toQueryImage", () => {
  it("fits a large photo inside 160 px and under the byte budget, as WebP", async () => {
    const out = await toQueryImage(await noisyJpeg(1600, 1200), limits);
    expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(160);
    expect(out.bytes.byteLength).toBeLessThanOrEqual(queryImageSpec.maxBytes);
    expect((await sharp(out.bytes).metadata()).format).toBe("webp");
  });

  it("steps down size and quality for a hard image and stays within the URL cap", async () => {
    // Random 160×120 colours blown up ×10: downscaling gives the noise back, which WebP cannot squeeze.
    const small = Buffer.alloc(160 * 120 * 3);
    let seed = 7;
    for (let i = 0; i < small.length; i++) small[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16;
    const big = await sharp(small, { raw: { width: 160, height: 120, channels: 3 } }).resize(1600, 1200, { kernel: "nearest" }).png().toBuffer();
    const out = await toQueryImage(new Uint8Array(big), limits);
    expect(out.quality < queryImageSpec.qualities[0] || out.width < 160).toBe(true);
    expect(out.bytes.byteLength).toBeLessThanOrEqual(MAX_QUERY_BYTES);
  });

  it("never enlarges a small photo and keeps its aspect ratio", async () => {
    const out = await toQueryImage(await noisyJpeg(60, 80), limits);
    expect([out.width, out.height]).toEqual([60, 80]);
  });

  it("is deterministic", async () => {
    const input = await noisyJpeg(300, 200);
    const [a, b] = await Promise.all([toQueryImage(input, limits), toQueryImage(input, limits)]);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
  });

  it("flattens transparency on white", async () => {
    const png = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const out = await toQueryImage(new Uint8Array(png), limits);
    const { data } = await sharp(out.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(245);
  });

  it("maps bad input to the decode errors", async () => {
    await expect(toQueryImage(new TextEncoder().encode("not an image at all"), limits)).rejects.toMatchObject({
      code: "unsupported_media_type",
    });
    const jpeg = await noisyJpeg(200, 200);
    await expect(toQueryImage(jpeg.subarray(0, jpeg.byteLength / 2), limits)).rejects.toMatchObject({
      code: "unprocessable_image",
    });
    await expect(toQueryImage(jpeg, { maxPixels: 100 })).rejects.toMatchObject({ code: "payload_too_large" });
  });
});

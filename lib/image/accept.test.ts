import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { acceptImage, acceptImageSignature, type ImageUse } from "./accept";

const limits = { maxPixels: 1_000_000 };
const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: "#3366cc" } });
const bytesOf = async (image: Sharp) => new Uint8Array(await image.toBuffer());

describe("acceptImage: one rule per use", () => {
  it.each<[string, () => Sharp, Record<ImageUse, string>]>([
    ["JPEG", () => solid(40, 30).jpeg(), { query: "jpeg", catalog: "jpeg", sharedQuery: "jpeg" }],
    ["WebP", () => solid(40, 30).webp(), { query: "webp", catalog: "webp", sharedQuery: "webp" }],
    ["PNG", () => solid(40, 30).png(), { query: "png", catalog: "png", sharedQuery: "unsupported_media_type" }],
    ["GIF", () => solid(40, 30).gif(), { query: "gif", catalog: "gif", sharedQuery: "unsupported_media_type" }],
    ["TIFF", () => solid(40, 30).tiff(), { query: "tiff", catalog: "unsupported_media_type", sharedQuery: "unsupported_media_type" }],
    ["AVIF", () => solid(40, 30).avif(), { query: "avif", catalog: "unsupported_media_type", sharedQuery: "unsupported_media_type" }],
  ])("%s: the format, or the refusal, for each use", async (_, make, expected) => {
    const bytes = await bytesOf(make());
    for (const use of ["query", "catalog", "sharedQuery"] as const) {
      const outcome = await acceptImage(bytes, use, limits).then(
        (image) => image.format,
        (error: { code: string }) => error.code,
      );
      expect([use, outcome]).toEqual([use, expected[use]]);
    }
  });

  it("measures what it accepts", async () => {
    const image = await acceptImage(await bytesOf(solid(40, 30).ensureAlpha().png()), "catalog", limits);
    expect(image).toEqual({ format: "png", width: 40, height: 30, channels: 4, space: "srgb", hasAlpha: true });
  });

  it("refuses more pixels than the limit from the header (413), and not at the limit", async () => {
    const png = await bytesOf(solid(1000, 1000).png());
    await expect(acceptImage(png, "query", limits)).resolves.toMatchObject({ width: 1000, height: 1000 });
    await expect(acceptImage(png, "catalog", { maxPixels: 999_999 })).rejects.toMatchObject({
      code: "payload_too_large",
      message: expect.stringMatching(/1000×1000 pixels, over the pixel limit of 999,999/),
    });
  });

  it("400 for no bytes, 415 for text, whatever the use", async () => {
    for (const use of ["query", "catalog", "sharedQuery"] as const) {
      await expect(acceptImage(new Uint8Array(0), use, limits)).rejects.toMatchObject({ code: "bad_request" });
      await expect(acceptImage(new TextEncoder().encode("not an image at all"), use, limits)).rejects.toMatchObject({
        code: "unsupported_media_type",
      });
    }
  });

  it("refuses a catalog photo whose signature and content disagree", async () => {
    const png = await bytesOf(solid(40, 30).png());
    const disguised = new Uint8Array([0xff, 0xd8, 0xff, ...png]);
    await expect(acceptImage(disguised, "catalog", limits)).rejects.toMatchObject({ code: "unsupported_media_type" });
  });

  it("finds a truncated body only when asked to verify the pixels (422)", async () => {
    const jpeg = await bytesOf(solid(400, 300).jpeg());
    const cut = jpeg.subarray(0, Math.floor(jpeg.byteLength / 2));
    await expect(acceptImage(cut, "catalog", limits)).resolves.toMatchObject({ format: "jpeg", width: 400, height: 300 });
    await expect(acceptImage(cut, "catalog", { ...limits, verifyPixels: true })).rejects.toMatchObject({
      code: "unprocessable_image",
      message: expect.stringMatching(/cannot decode/),
    });
  });
});

describe("acceptImageSignature", () => {
  it("names the format from the leading bytes alone, within the use's formats", () => {
    const webp = new Uint8Array([...Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 ", "latin1"), 1, 2, 3]);
    expect(acceptImageSignature(webp, "sharedQuery")).toBe("webp");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(acceptImageSignature(png, "catalog")).toBe("png");
    expect(() => acceptImageSignature(png, "sharedQuery")).toThrow(
      expect.objectContaining({ code: "unsupported_media_type", message: "The file is not a WebP or JPEG image" }),
    );
  });
});

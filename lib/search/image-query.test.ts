import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { defaultColourDescriptor } from "../colour/colour-descriptor";
import { describeStudioPhotoColour } from "../colour/studio-colour";
import { preprocessImage } from "../image/preprocess";
import { caffePreprocess, type ModelManifest } from "../model/manifest";
import { prepareQueryInput } from "./image-query";

const limits = { maxPixels: 10_000_000 };
// Narrower than the photo's 3:4, so the letterbox pads (a resize that ignored it would be caught).
const preprocess = { ...caffePreprocess, width: 150, height: 224, resize: "letterbox" as const };
// Only what prepareQueryInput reads: the preprocessing and the colour fusion's descriptor.
const model = { preprocess, colour: { descriptor: defaultColourDescriptor } } as unknown as ModelManifest;

/** A 60×80 studio photo as the catalog's are: a shaded navy garment with a print, on white. */
async function studioPhoto(format: "jpeg" | "webp" | "png", alpha = false): Promise<Buffer> {
  const w = 60;
  const h = 80;
  const channels = alpha ? 4 : 3;
  const raw = Buffer.alloc(w * h * channels, 255);
  for (let y = 12; y < 70; y++)
    for (let x = 14; x < 46; x++) {
      const p = (y * w + x) * channels;
      const print = x > 24 && x < 36 && y > 25 && y < 38;
      raw[p] = print ? 230 : 30 + (y % 7);
      raw[p + 1] = print ? 200 : 40 + (x % 5);
      raw[p + 2] = print ? 40 : 90 + ((x + y) % 9);
    }
  const image = sharp(raw, { raw: { width: w, height: h, channels } });
  return format === "jpeg" ? image.jpeg({ quality: 85 }).toBuffer() : format === "webp" ? image.webp({ quality: 80 }).toBuffer() : image.png().toBuffer();
}

describe("prepareQueryInput of a studio photo", () => {
  it.each(["jpeg", "webp", "png"] as const)("gives a %s photo the catalog's own model pixels and studio colour, from one decode", async (format) => {
    const bytes = await studioPhoto(format);
    const input = await prepareQueryInput(model, bytes, limits, { source: "auto" });
    expect(input.region.source).toBe("auto");
    expect(input.region).toMatchObject({ x: 0, y: 0, w: 1, h: 1 });
    // Exactly what the catalog build computes from the same bytes.
    expect(Array.from(input.pixels)).toEqual(Array.from(await preprocessImage(bytes, preprocess, limits)));
    expect(Array.from(input.colour)).toEqual(Array.from(await describeStudioPhotoColour(bytes, defaultColourDescriptor, limits)));
  });

  it("decodes a photo with transparency the catalog's way too", async () => {
    const bytes = await studioPhoto("png", true);
    const input = await prepareQueryInput(model, bytes, limits, { source: "auto" });
    expect(Array.from(input.pixels)).toEqual(Array.from(await preprocessImage(bytes, preprocess, limits)));
    expect(Array.from(input.colour)).toEqual(Array.from(await describeStudioPhotoColour(bytes, defaultColourDescriptor, limits)));
  });
});

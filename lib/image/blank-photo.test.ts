import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { checkBlankPhoto } from "./blank-photo";

const limits = { maxPixels: 10_000_000 };
const plain = (background: string) => sharp({ create: { width: 60, height: 80, channels: 3, background } }).jpeg().toBuffer();
const withShape = (svg: string) =>
  sharp({ create: { width: 60, height: 80, channels: 3, background: "#ffffff" } })
    .composite([{ input: Buffer.from(`<svg width="60" height="80">${svg}</svg>`) }])
    .png()
    .toBuffer();

describe("checkBlankPhoto", () => {
  it("flags an empty white photo and a flat grey one", async () => {
    expect((await checkBlankPhoto(await plain("#ffffff"), limits)).blank).toBe(true);
    expect((await checkBlankPhoto(await plain("#808080"), limits)).blank).toBe(true);
  });

  it("flags a white photo with only a speck on it", async () => {
    expect((await checkBlankPhoto(await withShape('<rect x="30" y="40" width="1" height="1" fill="#000"/>'), limits)).blank).toBe(true);
  });

  it("keeps a product on a white studio background, even a pale one", async () => {
    const shoe = await checkBlankPhoto(await withShape('<rect x="10" y="30" width="40" height="20" fill="#202060"/>'), limits);
    expect(shoe).toMatchObject({ blank: false });
    expect(shoe.coverage).toBeGreaterThan(0.1);
    const pale = await checkBlankPhoto(await withShape('<circle cx="30" cy="40" r="15" fill="#e0d8cc"/>'), limits);
    expect(pale.blank).toBe(false);
    // White on white: the mask sees nothing, the folds and seams still vary.
    const folds = Array.from({ length: 8 }, (_, i) => `<line x1="${8 + i * 6}" y1="10" x2="${8 + i * 6}" y2="70" stroke="#e6e6e6" stroke-width="2"/>`).join("");
    const white = await checkBlankPhoto(await withShape(`<rect x="5" y="8" width="50" height="64" fill="#fbfbfb"/>${folds}`), limits);
    expect(white.blank).toBe(false);
  });
});

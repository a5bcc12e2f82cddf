import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { defaultColourDescriptor, describeColourBin } from "../colour/colour-descriptor";
import { caffePreprocess } from "../model/manifest";
import { prepareQuery } from "./query-region";

const config = { ...caffePreprocess, height: 64, width: 48, resize: "letterbox" as const };
const limits = { maxPixels: 10_000_000 };

/** A 160×120 green "grass" photo (noisy) with a red 40×50 block right of centre. */
async function makePhoto(): Promise<Buffer> {
  const w = 160;
  const h = 120;
  const raw = Buffer.alloc(w * h * 3);
  let seed = 3;
  for (let p = 0; p < w * h; p++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const n = (seed % 21) - 10;
    const x = p % w;
    const y = Math.floor(p / w);
    const inside = x >= 90 && x < 130 && y >= 35 && y < 85;
    raw.set(inside ? [210, 25, 35] : [60 + n, 130 + n, 50 + n], 3 * p);
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

function countGreen(rgb: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i + 1]! > rgb[i]! + 40) n++;
  return n;
}

function redShare(colour: Float32Array): number {
  let m = 0;
  colour.forEach((v, i) => {
    const bin = describeColourBin(i, defaultColourDescriptor);
    if (bin.kind === "colour" && bin.hue <= 1) m += v * v;
  });
  return m;
}

describe("prepareQuery", () => {
  it("auto: finds the block, neutralises the grass to white and describes the block's colour", async () => {
    const photo = await makePhoto();
    const q = await prepareQuery(photo, config, defaultColourDescriptor, limits, { source: "auto" });
    expect(q.region.source).toBe("auto");
    expect(q.region.x).toBeGreaterThan(0.5);
    expect(q.region.w).toBeLessThan(0.4);
    // The grass left inside the box margin is blended to the white studio background.
    const kept = await prepareQuery(photo, config, defaultColourDescriptor, limits, { source: "auto" }, { neutralise: false });
    expect(countGreen(kept.pixels!)).toBeGreaterThan(20);
    expect(countGreen(q.pixels!)).toBeLessThan(3);
    expect(redShare(q.colour)).toBeGreaterThan(0.9);
  });

  it("none: keeps the whole photo and its grass", async () => {
    const q = await prepareQuery(await makePhoto(), config, defaultColourDescriptor, limits, { source: "none" });
    expect(q.region).toMatchObject({ x: 0, y: 0, w: 1, h: 1, source: "none" });
    const mid = (Math.floor(config.height / 2) * config.width + 2) * 3;
    expect(q.pixels![mid + 1]!).toBeGreaterThan(q.pixels![mid]! + 40);
  });

  it("user: searches the given box", async () => {
    const box = { x: 0, y: 0, w: 0.5, h: 0.5 };
    const q = await prepareQuery(await makePhoto(), config, defaultColourDescriptor, limits, { source: "user", box });
    expect(q.region).toMatchObject({ ...box, source: "user" });
    expect(redShare(q.colour)).toBeLessThan(0.05);
  });
});

describe("prepareQuery on a studio photo", () => {
  it("auto keeps a white-background photo whole (the catalog was embedded whole) and still describes the product's colour", async () => {
    const w = 120;
    const h = 160;
    const raw = Buffer.alloc(w * h * 3, 255);
    for (let y = 50; y < 110; y++) for (let x = 40; x < 80; x++) raw.set([30, 40, 170], 3 * (y * w + x));
    const photo = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
    const q = await prepareQuery(photo, config, defaultColourDescriptor, limits, { source: "auto" });
    expect(q.region).toMatchObject({ x: 0, y: 0, w: 1, h: 1, source: "auto" });
    // No model pixels of its own: the caller embeds it exactly as the catalog build did.
    expect(q.pixels).toBeNull();
    expect(q.colour.some((v, i) => describeColourBin(i, defaultColourDescriptor).kind === "colour" && v > 0.5)).toBe(true);
  });
});

import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { cutOutStudioProduct } from "../image/studio-mask";
import { composeScene, type FractionBox } from "./compose-scene";
import { createProceduralBackground } from "./scene-background";
import { sceneKinds } from "./scene-kinds";

/** A studio photo: a magenta 24×30 product on white, 48×64 (the catalog's proportions). */
async function makeStudioPhoto(): Promise<Buffer> {
  const width = 48;
  const height = 64;
  const rgb = Buffer.alloc(width * height * 3, 255);
  for (let y = 17; y < 47; y++) {
    for (let x = 12; x < 36; x++) rgb.set([230, 20, 210], (y * width + x) * 3);
  }
  // PNG: a JPEG halo would widen the mask itself, which is studio-mask.test.ts's concern, not this one's.
  return sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Box (fractions) of the magenta pixels of a decoded photo. */
async function findMagentaBox(bytes: Buffer): Promise<FractionBox> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  let x0 = info.width;
  let y0 = info.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      // At least about half magenta: no background kind but "room" is that far from grey.
      if ((r + b) / 2 - g > 45) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x: x0 / info.width, y: y0 / info.height, w: (x1 + 1 - x0) / info.width, h: (y1 + 1 - y0) / info.height };
}

function computeIou(a: FractionBox, b: FractionBox): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return (ix * iy) / (a.w * a.h + b.w * b.h - ix * iy);
}

const limits = { maxPixels: 1e7 };
// "room" draws clutter of random colours, which may be magenta: the others cannot.
const plainKinds = sceneKinds.filter((kind) => kind !== "room");

describe("composeScene", () => {
  it("returns the true box of the product's pixels (IoU ≥ 0.95) on every kind of scene", async () => {
    const product = await cutOutStudioProduct(await makeStudioPhoto(), limits);
    for (const [i, kind] of plainKinds.entries()) {
      for (const seed of [11 + i, 101 + i]) {
        const scene = await composeScene(product, createProceduralBackground(kind), seed);
        const found = await findMagentaBox(scene.bytes);
        expect(computeIou(found, scene.box), `${kind} seed ${seed}`).toBeGreaterThanOrEqual(0.95);
      }
    }
  });

  it("draws a phone-sized frame, a product 25–80% of it, and JPEG quality 40–90", async () => {
    const product = await cutOutStudioProduct(await makeStudioPhoto(), limits);
    const sizes = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const scene = await composeScene(product, createProceduralBackground("wall"), seed);
      const meta = await sharp(scene.bytes).metadata();
      expect(meta.format).toBe("jpeg");
      sizes.add(`${meta.width}x${meta.height}`);
      expect([scene.params.width, scene.params.height]).toEqual([meta.width, meta.height]);
      const longer = Math.max(scene.box.w, scene.box.h);
      expect(longer).toBeGreaterThanOrEqual(0.25 - 0.01);
      expect(longer).toBeLessThanOrEqual(0.8 + 0.01);
      expect(scene.box.x + scene.box.w).toBeLessThanOrEqual(1);
      expect(scene.box.y + scene.box.h).toBeLessThanOrEqual(1);
      expect(scene.params.jpegQuality).toBeGreaterThanOrEqual(40);
      expect(scene.params.jpegQuality).toBeLessThanOrEqual(90);
    }
    expect([...sizes].sort()).toEqual(["480x640", "640x480"]);
  });

  it("is deterministic: same seed, same bytes; another seed, another photo", async () => {
    const product = await cutOutStudioProduct(await makeStudioPhoto(), limits);
    const background = createProceduralBackground("fabric");
    const a = await composeScene(product, background, 7);
    const b = await composeScene(product, background, 7);
    const c = await composeScene(product, background, 8);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.box).toEqual(b.box);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { expandBox, intersectBoxes, localiseProduct, WHOLE_IMAGE, type Box } from "./localise";

const W = 128;
const H = 96;

/** Procedural backgrounds of different kinds: wood-like grain, grass-like noise, a lit wall, tiles. */
function makeBackground(kind: number, rng: () => number): Uint8Array {
  const bases = [[150, 100, 60], [60, 130, 50], [205, 198, 188], [90, 90, 98]];
  const base = bases[kind % bases.length]!;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const texture =
        kind === 0 ? 20 * Math.sin(x * 0.3 + 3 * Math.sin(y * 0.1)) : kind === 3 ? ((Math.floor(x / 12) + Math.floor(y / 12)) % 2) * 30 : kind === 2 ? y * 0.4 : 0;
      const noise = (rng() - 0.5) * 30;
      for (let c = 0; c < 3; c++) out[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, base[c]! + noise + texture));
    }
  return out;
}

/** A two-colour striped ellipse ("a garment") pasted at a random place and size; returns its true box. */
function pasteProduct(img: Uint8Array, rng: () => number): Box {
  const palette = [[200, 30, 40], [20, 30, 110], [240, 240, 240], [20, 20, 20], [230, 200, 40], [120, 60, 150]];
  const a = palette[Math.floor(rng() * palette.length)]!;
  const b = palette[Math.floor(rng() * palette.length)]!;
  const rh = Math.round(H * (0.15 + rng() * 0.25));
  const rw = Math.round(rh * (0.5 + rng() * 0.6));
  const cx = rw + Math.floor(rng() * (W - 2 * rw));
  const cy = rh + Math.floor(rng() * (H - 2 * rh));
  let x0 = W;
  let y0 = H;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (((x - cx) / rw) ** 2 + ((y - cy) / rh) ** 2 > 1) continue;
      img.set(Math.floor(y / 5) % 2 ? a : b, (y * W + x) * 3);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  return { x: x0 / W, y: y0 / H, w: (x1 + 1 - x0) / W, h: (y1 + 1 - y0) / H };
}

describe("localiseProduct", () => {
  it("finds products on textured backgrounds: mean IoU with the true box over a seeded set", () => {
    const rng = createRng(13);
    const ious: number[] = [];
    for (let i = 0; i < 40; i++) {
      const img = makeBackground(i, rng);
      const truth = pasteProduct(img, rng);
      ious.push(intersectBoxes(localiseProduct(img, W, H, { margin: 0 }).box, truth));
    }
    const mean = ious.reduce((s, v) => s + v, 0) / ious.length;
    // Measured 0.91 on this seeded set; the whole-image fallback alone scores about 0.1.
    expect(mean).toBeGreaterThan(0.85);
  });

  it("falls back to the whole image with low confidence when there is nothing to find", () => {
    const rng = createRng(5);
    const loc = localiseProduct(makeBackground(1, rng), W, H);
    expect(loc.confident).toBe(false);
    expect(loc.box).toEqual(WHOLE_IMAGE);
  });

  it("returns a soft mask that is high on the product and low on the background", () => {
    const rng = createRng(21);
    const img = makeBackground(0, rng);
    const truth = pasteProduct(img, rng);
    const loc = localiseProduct(img, W, H);
    const cx = Math.floor((truth.x + truth.w / 2) * W);
    const cy = Math.floor((truth.y + truth.h / 2) * H);
    expect(loc.mask[cy * W + cx]).toBeGreaterThan(0.8);
    expect(loc.mask[2 * W + 2]).toBeLessThan(0.2);
  });
});

describe("box helpers", () => {
  it("expandBox grows by the margin and clips; intersectBoxes is IoU", () => {
    expect(expandBox({ x: 0.1, y: 0.5, w: 0.5, h: 0.5 }, 0.1)).toEqual({ x: 0.05, y: 0.45, w: 0.6, h: 0.55 });
    expect(intersectBoxes({ x: 0, y: 0, w: 0.5, h: 1 }, { x: 0.25, y: 0, w: 0.5, h: 1 })).toBeCloseTo(1 / 3, 6);
  });
});

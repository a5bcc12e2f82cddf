import { createRng } from "../random";
import { sampleFbm, sampleValueNoise } from "./noise";
import type { SceneKind } from "./scene-kinds";

type Rgb = [number, number, number];
type Rng = () => number;
/** An RGB float image, 0..255 per channel, row-major. */
type Canvas = { width: number; height: number; data: Float32Array };

/**
 * Renders a procedural background of `kind` (8-bit RGB, width×height×3), fully
 * determined by `seed`: each kind draws its colours, scales and layout from wide
 * ranges, so two seeds give two different surfaces of the same kind.
 */
export function renderProceduralScene(kind: SceneKind, seed: number, width: number, height: number): Uint8Array {
  const rng = createRng(seed);
  const canvas: Canvas = { width, height, data: new Float32Array(width * height * 3) };
  const noiseSeed = Math.floor(rng() * 1e9);
  renderers[kind](canvas, rng, noiseSeed, { x: 0, y: 0, w: width, h: height });
  applyIllumination(canvas, rng);
  const out = new Uint8Array(canvas.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(canvas.data[i]!)));
  return out;
}

type Region = { x: number; y: number; w: number; h: number };
type Renderer = (canvas: Canvas, rng: Rng, seed: number, region: Region) => void;

const renderers: Record<SceneKind, Renderer> = {
  wood: renderWood,
  wall: renderWall,
  pavement: renderPavement,
  grass: renderGrass,
  fabric: renderFabric,
  tiles: renderTiles,
  room: renderRoom,
};

function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function jitter(rng: Rng, c: Rgb, amount: number): Rgb {
  const s = 1 + between(rng, -amount, amount);
  return [c[0] * s * (1 + between(rng, -amount, amount) / 2), c[1] * s, c[2] * s * (1 + between(rng, -amount, amount) / 2)];
}

function put(canvas: Canvas, x: number, y: number, c: Rgb, shade: number): void {
  const i = (y * canvas.width + x) * 3;
  canvas.data[i] = c[0] * shade;
  canvas.data[i + 1] = c[1] * shade;
  canvas.data[i + 2] = c[2] * shade;
}

function renderWood(canvas: Canvas, rng: Rng, seed: number, r: Region): void {
  const base = jitter(rng, pick(rng, [[150, 100, 60], [110, 72, 42], [190, 150, 105], [88, 58, 38], [205, 175, 135], [130, 95, 70]] as Rgb[]), 0.12);
  const vertical = rng() < 0.5;
  const plank = between(rng, 50, 170);
  const period = between(rng, 3, 11);
  const warp = between(rng, 8, 40);
  const contrast = between(rng, 0.06, 0.2);
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const across = vertical ? x : y;
      const along = vertical ? y : x;
      const index = Math.floor(across / plank);
      const offset = sampleValueNoise(index * 7.3, 0.5, seed) * 1000;
      const u = across + sampleFbm(across / 30, (along + offset) / 260, seed + index, 3) * warp;
      const grain = 0.5 + 0.5 * Math.sin((u * 2 * Math.PI) / period);
      const plankTone = 0.85 + 0.3 * sampleValueNoise(index * 3.1, 9.7, seed);
      const seam = across % plank < 2 ? 0.55 : 1;
      const knot = sampleFbm(x / 90, y / 90, seed + 99, 2);
      put(canvas, x, y, base, (1 - contrast + contrast * 2 * grain * (0.6 + 0.4 * knot)) * plankTone * seam);
    }
  }
}

function renderWall(canvas: Canvas, rng: Rng, seed: number, r: Region): void {
  const base = jitter(rng, pick(rng, [[235, 232, 225], [220, 210, 190], [200, 205, 210], [180, 190, 170], [230, 200, 180], [160, 160, 165], [120, 140, 160], [245, 240, 230]] as Rgb[]), 0.08);
  const blotch = between(rng, 0.02, 0.1);
  const grain = between(rng, 0.02, 0.07);
  const scale = between(rng, 40, 160);
  const bricks = rng() < 0.25;
  const brickW = between(rng, 50, 110);
  const brickH = brickW * between(rng, 0.3, 0.5);
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      let shade = 1 + blotch * (sampleFbm(x / scale, y / scale, seed, 4) - 0.5) * 2 + grain * (sampleValueNoise(x / 1.5, y / 1.5, seed + 7) - 0.5) * 2;
      if (bricks) {
        const row = Math.floor(y / brickH);
        const bx = (x + (row % 2) * brickW * 0.5) % brickW;
        const by = y % brickH;
        if (bx < 3 || by < 3) shade *= 0.75;
        else shade *= 0.9 + 0.2 * sampleValueNoise(Math.floor((x + (row % 2) * brickW * 0.5) / brickW) * 5.1, row * 3.3, seed + 5);
      }
      put(canvas, x, y, base, shade);
    }
  }
}

function renderPavement(canvas: Canvas, rng: Rng, seed: number, r: Region): void {
  const asphalt = rng() < 0.4;
  const g = asphalt ? between(rng, 55, 100) : between(rng, 130, 195);
  const base = jitter(rng, [g, g * between(rng, 0.97, 1.03), g * between(rng, 0.93, 1.04)], 0.05);
  const speck = between(rng, 0.08, 0.3);
  const slabs = !asphalt && rng() < 0.6;
  const slab = between(rng, 90, 220);
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const coarse = sampleFbm(x / 120, y / 120, seed, 4) - 0.5;
      const fine = sampleValueNoise(x / 1.2, y / 1.2, seed + 3) - 0.5;
      let shade = 1 + 0.25 * coarse + speck * fine * 2;
      if (slabs) {
        if (x % slab < 3 || y % slab < 3) shade *= 0.6;
        else shade *= 0.9 + 0.2 * sampleValueNoise(Math.floor(x / slab) * 4.7, Math.floor(y / slab) * 2.9, seed + 11);
      }
      put(canvas, x, y, base, shade);
    }
  }
}

function renderGrass(canvas: Canvas, rng: Rng, seed: number, r: Region): void {
  const base = jitter(rng, pick(rng, [[70, 120, 40], [90, 140, 50], [55, 95, 35], [110, 130, 55], [120, 100, 45]] as Rgb[]), 0.12);
  const dry: Rgb = [150, 130, 70];
  const bladeW = between(rng, 1.5, 4);
  const bladeL = between(rng, 8, 30);
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const blades = sampleFbm(x / bladeW, y / bladeL, seed, 3);
      const patch = sampleFbm(x / 150, y / 150, seed + 17, 3);
      const t = Math.max(0, Math.min(1, (patch - 0.55) * 3));
      const c: Rgb = [base[0] + (dry[0] - base[0]) * t, base[1] + (dry[1] - base[1]) * t, base[2] + (dry[2] - base[2]) * t];
      put(canvas, x, y, c, 0.45 + 1.1 * blades);
    }
  }
}

function renderFabric(canvas: Canvas, rng: Rng, seed: number, r: Region): void {
  const base = jitter(rng, pick(rng, [[240, 240, 238], [200, 210, 230], [150, 160, 175], [225, 210, 190], [230, 190, 200], [60, 70, 95], [120, 60, 60], [180, 200, 180]] as Rgb[]), 0.1);
  const weave = between(rng, 2.5, 6);
  const foldScale = between(rng, 120, 320);
  const foldDepth = between(rng, 0.1, 0.3);
  const angle = between(rng, 0, Math.PI);
  const ca = Math.cos(angle);
  const sa = Math.sin(angle);
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const w = 0.5 + 0.5 * Math.sin((x * 2 * Math.PI) / weave) * Math.sin((y * 2 * Math.PI) / weave);
      const u = (x * ca + y * sa) / foldScale + 0.8 * sampleFbm(x / foldScale, y / foldScale, seed, 3);
      const fold = 0.5 + 0.5 * Math.sin(u * 2 * Math.PI);
      put(canvas, x, y, base, (1 - foldDepth + foldDepth * fold) * (0.95 + 0.08 * w));
    }
  }
}

function renderTiles(canvas: Canvas, rng: Rng, seed: number, r: Region): void {
  const palette = [[235, 235, 230], [200, 190, 175], [60, 60, 65], [140, 160, 180], [180, 110, 80], [210, 220, 225], [120, 130, 110]] as Rgb[];
  const a = jitter(rng, pick(rng, palette), 0.08);
  const b = rng() < 0.3 ? jitter(rng, pick(rng, palette), 0.08) : a;
  const size = between(rng, 40, 160);
  const grout = between(rng, 1.5, 5);
  const groutTone = between(rng, 0.55, 1.1);
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const tx = Math.floor(x / size);
      const ty = Math.floor(y / size);
      const onGrout = x % size < grout || y % size < grout;
      const c = (tx + ty) % 2 === 0 ? a : b;
      const tone = 0.93 + 0.1 * sampleValueNoise(tx * 3.7, ty * 5.3, seed) + 0.04 * (sampleFbm(x / 40, y / 40, seed + 1, 2) - 0.5);
      put(canvas, x, y, onGrout ? [180 * groutTone, 178 * groutTone, 170 * groutTone] : c, onGrout ? 1 : tone);
    }
  }
}

function renderRoom(canvas: Canvas, rng: Rng, seed: number, r: Region): void {
  const horizon = Math.round(r.h * between(rng, 0.3, 0.65));
  renderWall(canvas, rng, seed + 1, { x: r.x, y: r.y, w: r.w, h: horizon });
  const floor = pick(rng, [renderWood, renderTiles, renderFabric] as Renderer[]);
  floor(canvas, rng, seed + 2, { x: r.x, y: r.y + horizon, w: r.w, h: r.h - horizon });
  // Clutter: furniture and objects as shaded boxes and discs, standing on the floor line or lying on it.
  const objects = 3 + Math.floor(rng() * 6);
  for (let o = 0; o < objects; o++) {
    const c = jitter(rng, [between(rng, 30, 230), between(rng, 30, 230), between(rng, 30, 230)], 0.1);
    const w = Math.round(r.w * between(rng, 0.08, 0.4));
    const h = Math.round(r.h * between(rng, 0.06, 0.35));
    const x0 = Math.round(between(rng, -0.1, 1) * r.w);
    const y0 = Math.round(rng() < 0.6 ? horizon - h * between(rng, 0.5, 1) : between(rng, horizon, r.h));
    const disc = rng() < 0.3;
    for (let y = Math.max(0, y0); y < Math.min(r.h, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(r.w, x0 + w); x++) {
        const u = (x - x0) / w;
        const v = (y - y0) / h;
        if (disc && (u - 0.5) ** 2 + (v - 0.5) ** 2 > 0.25) continue;
        put(canvas, r.x + x, r.y + y, c, 0.75 + 0.35 * (1 - v) + 0.06 * (sampleValueNoise(x / 3, y / 3, seed + o) - 0.5));
      }
    }
  }
}

/** A light gradient in a random direction and a vignette: a phone photo is never evenly lit. */
function applyIllumination(canvas: Canvas, rng: Rng): void {
  const { width, height, data } = canvas;
  const angle = between(rng, 0, 2 * Math.PI);
  const gx = Math.cos(angle);
  const gy = Math.sin(angle);
  const strength = between(rng, 0, 0.3);
  const vignette = between(rng, 0, 0.4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const nx = x / width - 0.5;
      const ny = y / height - 0.5;
      const gain = (1 + strength * (nx * gx + ny * gy)) * (1 - vignette * (nx * nx + ny * ny) * 2);
      const i = (y * width + x) * 3;
      data[i]! *= gain;
      data[i + 1]! *= gain;
      data[i + 2]! *= gain;
    }
  }
}

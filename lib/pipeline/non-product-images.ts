import sharp from "sharp";
import { createRng } from "../random";
import { sampleFbm } from "../scene/noise";
import { renderProceduralScene } from "../scene/procedural-scenes";
import { sceneKinds } from "../scene/scene-kinds";

/** The kinds of image that show no product: what a shopper's stray upload might be. */
export const nonProductKinds = ["plain", "gradient", "noise", "scene"] as const;
export type NonProductKind = (typeof nonProductKinds)[number];

export type NonProductImage = { kind: NonProductKind; detail: string; bytes: Buffer };

/**
 * `count` seeded images with no product in them, the kinds in turn: a plain colour, a
 * two-colour gradient, a fractal-noise texture, and a procedural scene from lib/scene
 * with nothing composited on it. Sizes vary (portrait and landscape, 240–640 px).
 */
export async function createNonProductImages(count: number, seed: number): Promise<NonProductImage[]> {
  const rng = createRng(seed);
  const images: NonProductImage[] = [];
  for (let i = 0; i < count; i++) {
    const kind = nonProductKinds[i % nonProductKinds.length]!;
    const width = 240 + Math.floor(rng() * 400);
    const height = 240 + Math.floor(rng() * 400);
    const { rgb, detail } = renderNonProduct(kind, width, height, rng, i);
    const bytes = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
    images.push({ kind, detail, bytes });
  }
  return images;
}

function renderNonProduct(kind: NonProductKind, width: number, height: number, rng: () => number, i: number): { rgb: Uint8Array; detail: string } {
  const colour = () => [0, 1, 2].map(() => Math.floor(rng() * 256)) as [number, number, number];
  const rgb = new Uint8Array(width * height * 3);
  if (kind === "scene") {
    const scene = sceneKinds[Math.floor(i / nonProductKinds.length) % sceneKinds.length]!;
    return { rgb: renderProceduralScene(scene, Math.floor(rng() * 1e9), width, height), detail: scene };
  }
  const a = colour();
  const b = colour();
  const angle = rng() * Math.PI;
  const noiseSeed = Math.floor(rng() * 1e9);
  const scale = 8 + rng() * 60;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let t = 0;
      if (kind === "gradient") t = ((x / width - 0.5) * Math.cos(angle) + (y / height - 0.5) * Math.sin(angle)) + 0.5;
      if (kind === "noise") t = sampleFbm(x / scale, y / scale, noiseSeed);
      t = Math.min(Math.max(t, 0), 1);
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = Math.round(a[c]! * (1 - t) + b[c]! * t);
    }
  }
  return { rgb, detail: kind === "plain" ? `rgb(${a.join(",")})` : `${a.join(",")} → ${b.join(",")}` };
}

import sharp from "sharp";
import { AppError } from "../errors";
import type { StudioCutOut } from "../image/studio-mask";
import { createRng } from "../random";
import type { SceneBackground } from "./scene-background";

/** A box in fractions of the image: x, y of the top-left corner, w, h; all in [0, 1]. */
export type FractionBox = { x: number; y: number; w: number; h: number };

/** The random draws behind one composite, kept so a report can say what was varied. */
export type SceneParams = {
  width: number;
  height: number;
  background: string;
  /** The product's longer side relative to the frame (0.25–0.8). */
  scale: number;
  brightness: number;
  contrast: number;
  /** Warm (> 0) or cool (< 0) cast: red gain 1 + t, blue gain 1 − t. */
  temperature: number;
  /** Gaussian blur sigma in pixels, 0 for none. */
  blur: number;
  shadowOpacity: number;
  jpegQuality: number;
};

export type ComposedScene = {
  /** The photo, JPEG. */
  bytes: Buffer;
  /** Where the product's pixels are (its mask's box), in fractions of the photo. */
  box: FractionBox;
  params: SceneParams;
};

/** Ranges of the random draws; the defaults are the in-the-scene protocol's. */
export type SceneRanges = {
  scale: [number, number];
  brightness: [number, number];
  contrast: [number, number];
  temperature: [number, number];
  blur: [number, number];
  /** Share of photos with no blur at all. */
  sharpShare: number;
  shadowOpacity: [number, number];
  jpegQuality: [number, number];
  /** Share of portrait (480×640) frames; the others are landscape (640×480). */
  portraitShare: number;
};

export const defaultSceneRanges: SceneRanges = {
  scale: [0.25, 0.8],
  brightness: [0.7, 1.25],
  contrast: [0.75, 1.2],
  temperature: [-0.12, 0.12],
  blur: [0.4, 1.6],
  sharpShare: 0.4,
  shadowOpacity: [0.15, 0.5],
  jpegQuality: [40, 90],
  portraitShare: 0.6,
};

const longSide = 640;
const shortSide = 480;

/**
 * Photographs a cut-out product on a background, as a shopper's phone would: the
 * product at a random scale and place with a soft shadow, then light, colour cast,
 * blur and JPEG compression applied to the whole photo. Deterministic in `seed`
 * (same inputs and seed, same bytes).
 */
export async function composeScene(
  product: StudioCutOut,
  background: SceneBackground,
  seed: number,
  ranges: SceneRanges = defaultSceneRanges,
): Promise<ComposedScene> {
  const box = product.mask.box;
  if (!box) throw new AppError("bad_request", "The product photo has no foreground to cut out");
  const rng = createRng(seed);
  const draw = ([lo, hi]: [number, number]) => lo + (hi - lo) * rng();
  const portrait = rng() < ranges.portraitShare;
  const width = portrait ? shortSide : longSide;
  const height = portrait ? longSide : shortSide;
  const scale = draw(ranges.scale);
  const fit = scale / Math.max(box.w / width, box.h / height);
  const pw = Math.max(1, Math.min(width, Math.round(box.w * fit)));
  const ph = Math.max(1, Math.min(height, Math.round(box.h * fit)));
  const left = Math.floor(rng() * (width - pw + 1));
  const top = Math.floor(rng() * (height - ph + 1));
  const params: SceneParams = {
    width,
    height,
    background: background.name,
    scale,
    brightness: draw(ranges.brightness),
    contrast: draw(ranges.contrast),
    temperature: draw(ranges.temperature),
    blur: rng() < ranges.sharpShare ? 0 : draw(ranges.blur),
    shadowOpacity: draw(ranges.shadowOpacity),
    jpegQuality: Math.round(draw(ranges.jpegQuality)),
  };
  const shadowAngle = rng() * 2 * Math.PI;
  const shadowDistance = 0.02 + 0.05 * rng();
  const backgroundSeed = Math.floor(rng() * 2 ** 31);

  const cut = await sharp(Buffer.from(product.rgba), { raw: { width: product.width, height: product.height, channels: 4 } })
    .extract({ left: box.x, top: box.y, width: box.w, height: box.h })
    .resize(pw, ph, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer();
  // Upscaling a 60×80 mask smears its edge over several pixels; a phone sees a crisp one.
  for (let i = 3; i < cut.length; i += 4) cut[i] = Math.max(0, Math.min(255, Math.round(((cut[i]! - 96) / 64) * 255)));
  const scene = await background.render(width, height, backgroundSeed);

  // The shadow: the product's alpha, offset away from the light and blurred.
  const size = Math.max(pw, ph);
  const dx = Math.round(Math.cos(shadowAngle) * shadowDistance * size);
  const dy = Math.round(Math.abs(Math.sin(shadowAngle)) * shadowDistance * size);
  const shadowPlane = Buffer.alloc(width * height);
  for (let y = 0; y < ph; y++) {
    const sy = top + y + dy;
    if (sy < 0 || sy >= height) continue;
    for (let x = 0; x < pw; x++) {
      const sx = left + x + dx;
      if (sx >= 0 && sx < width) shadowPlane[sy * width + sx] = cut[(y * pw + x) * 4 + 3]!;
    }
  }
  const shadow = await sharp(shadowPlane, { raw: { width, height, channels: 1 } })
    .blur(Math.max(0.3, 0.04 * size))
    .raw()
    .toBuffer();

  const { brightness, contrast, temperature } = params;
  const gains = [brightness * (1 + temperature), brightness, brightness * (1 - temperature)];
  const tone = (composite: number, c: number) => Math.max(0, Math.min(255, Math.round((composite * gains[c]! - 128) * contrast + 128)));
  // Both factors take 256 values: tables give the same numbers as computing them per pixel.
  const darkenOf = Float64Array.from({ length: 256 }, (_, s) => 1 - params.shadowOpacity * (s / 255));
  const toned = Array.from({ length: 3 }, (_, c) => Uint8Array.from({ length: 256 }, (_, v) => tone(v, c)));
  const photo = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const rowInside = y >= top && y < top + ph;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const o = p * 3;
      const s = shadow[p]!;
      const darken = darkenOf[s]!;
      if (rowInside && x >= left && x < left + pw) {
        const q = ((y - top) * pw + (x - left)) * 4;
        const a = cut[q + 3]! / 255;
        for (let c = 0; c < 3; c++) photo[o + c] = tone(scene[o + c]! * darken * (1 - a) + cut[q + c]! * a, c);
      } else if (s === 0) {
        // No product and no shadow: the background pixel only toned (darken is exactly 1).
        for (let c = 0; c < 3; c++) photo[o + c] = toned[c]![scene[o + c]!]!;
      } else {
        for (let c = 0; c < 3; c++) photo[o + c] = tone(scene[o + c]! * darken, c);
      }
    }
  }
  let pipeline = sharp(photo, { raw: { width, height, channels: 3 } });
  if (params.blur > 0) pipeline = pipeline.blur(params.blur);
  const bytes = await pipeline.jpeg({ quality: params.jpegQuality, chromaSubsampling: "4:2:0" }).toBuffer();
  return { bytes, box: { x: left / width, y: top / height, w: pw / width, h: ph / height }, params };
}

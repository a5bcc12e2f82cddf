import { AppError } from "../errors";
import { acceptImage } from "./accept";
import { openImage, type DecodeLimits } from "./decode";
import { convertPixelsToLab } from "./lab";
import { measureMaskBounds } from "./mask-bounds";

/**
 * The product's mask in a studio photo (a product on a white or near-white
 * background, as every catalog photo is). The background is what is connected to
 * the photo's border through pixels close to the border's own colour in L*a*b*;
 * everything else is the product. Holes are filled (a white print on a T-shirt),
 * except large enclosed regions of the background's very colour: the loop of a bag's
 * handle shows the studio through it.
 */
export type StudioMask = {
  width: number;
  height: number;
  /** Product opacity per pixel, 0..255, with a soft (feathered) edge. */
  alpha: Uint8Array;
  /** Bounding box of the product in pixels (alpha ≥ 128); null when nothing stands out. */
  box: { x: number; y: number; w: number; h: number } | null;
  /** Fraction of the pixels that are product. */
  coverage: number;
  /** The background's L*a*b* (median of the border pixels). */
  backgroundLab: [number, number, number];
  /**
   * Fraction of the border pixels within tolerance of the background colour: near 1
   * for a clean studio photo, low when the product fills the frame or the
   * "background" is not one colour (a scene photo), where the mask means little.
   */
  borderAgreement: number;
};

export type StudioMaskOptions = {
  /** ΔE (CIE76) from the background colour under which a pixel is background. Default 10. */
  tolerance?: number;
  /**
   * A pixel up to `looseFactor × tolerance` from the background colour is still
   * background when it is within `stepTolerance` of a background neighbour: studio
   * backgrounds shade gradually (vignetting, a soft floor shadow). Default 2.
   */
  looseFactor?: number;
  /** ΔE between neighbours for the loose rule. Default 3. */
  stepTolerance?: number;
  /** ΔE under which an enclosed region is the background's own colour (see `minOpeningFraction`). Default 3. */
  holeTolerance?: number;
  /**
   * An enclosed region of the background's own colour at least this fraction of the
   * image is an opening (a bag handle's loop), not part of the product. Default 0.01.
   */
  minOpeningFraction?: number;
  /** Product specks smaller than this fraction of the image are dropped (JPEG noise). Default 0.0015. */
  minSpeckFraction?: number;
  /** Feather radius of the soft edge in pixels (box blur). Default 1; 0 gives a hard mask. */
  feather?: number;
};

/** Estimates the product mask of an interleaved 8-bit sRGB(A) studio photo. */
export function estimateStudioMask(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4,
  options: StudioMaskOptions = {},
): StudioMask {
  const n = width * height;
  if (!(width >= 1 && height >= 1) || pixels.length !== n * channels) {
    throw new AppError("internal", `Pixel buffer of ${pixels.length} bytes is not ${width}×${height}×${channels}`);
  }
  const tolerance = options.tolerance ?? 10;
  const loose = tolerance * (options.looseFactor ?? 2);
  const step = options.stepTolerance ?? 3;
  const lab = convertPixelsToLab(pixels, channels);
  const border = borderPixels(width, height);
  const bg = medianLab(lab, border);
  const distanceToBg = new Float32Array(n);
  for (let p = 0; p < n; p++) distanceToBg[p] = deltaE(lab, p, bg);

  // 1 = background reached from the border.
  const background = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let agreeing = 0;
  for (const p of border) {
    if (distanceToBg[p]! <= tolerance) agreeing++;
    if (distanceToBg[p]! <= tolerance && background[p] === 0) {
      background[p] = 1;
      queue[tail++] = p;
    }
  }
  // One closure for the whole fill, not one per pixel (this loop is most of a mask's time).
  const spread = (p: number, q: number) => {
    if (background[q] !== 0) return;
    const d = distanceToBg[q]!;
    if (d <= tolerance || (d <= loose && deltaEBetween(lab, p, q) <= step)) {
      background[q] = 1;
      queue[tail++] = q;
    }
  };
  while (head < tail) {
    const p = queue[head++]!;
    const x = p % width;
    if (x > 0) spread(p, p - 1);
    if (x < width - 1) spread(p, p + 1);
    if (p >= width) spread(p, p - width);
    if (p < n - width) spread(p, p + width);
  }

  const product = new Uint8Array(n);
  for (let p = 0; p < n; p++) product[p] = background[p] === 0 ? 1 : 0;
  // A large enclosed region of the background's very colour is background seen through the product.
  const holeTolerance = options.holeTolerance ?? 3;
  const minOpening = Math.max(2, (options.minOpeningFraction ?? 0.01) * n);
  forEachComponent(width, height, (p) => product[p] === 1 && distanceToBg[p]! <= holeTolerance, (members) => {
    if (members.length >= minOpening) for (const p of members) product[p] = 0;
  });
  const minSpeck = Math.max(2, (options.minSpeckFraction ?? 0.0015) * n);
  forEachComponent(width, height, (p) => product[p] === 1, (members) => {
    if (members.length < minSpeck) for (const p of members) product[p] = 0;
  });

  const alpha = featherMask(product, width, height, options.feather ?? 1);
  const { box, count } = measureMaskBounds(product, width);
  return {
    width,
    height,
    alpha,
    box,
    coverage: count / n,
    backgroundLab: bg,
    borderAgreement: border.length === 0 ? 0 : agreeing / border.length,
  };
}

/** A decoded studio photo with its product mask: RGBA whose alpha is the mask. */
export type StudioCutOut = { width: number; height: number; rgba: Uint8Array; mask: StudioMask };

/** Decodes untrusted image bytes (flattened on white) and cuts the product out of its studio background. */
export async function cutOutStudioProduct(bytes: Uint8Array, limits: DecodeLimits, options: StudioMaskOptions = {}): Promise<StudioCutOut> {
  await acceptImage(bytes, "query", limits);
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    decoded = await openImage(bytes, limits)
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace("srgb")
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new AppError("unprocessable_image", "The image is corrupt or truncated", { cause: error });
  }
  const { width, height } = decoded.info;
  const rgb = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
  const mask = estimateStudioMask(rgb, width, height, 3, options);
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba[p * 4] = rgb[p * 3]!;
    rgba[p * 4 + 1] = rgb[p * 3 + 1]!;
    rgba[p * 4 + 2] = rgb[p * 3 + 2]!;
    rgba[p * 4 + 3] = mask.alpha[p]!;
  }
  return { width, height, rgba, mask };
}

function borderPixels(width: number, height: number): number[] {
  const out: number[] = [];
  for (let x = 0; x < width; x++) out.push(x);
  if (height > 1) for (let x = 0; x < width; x++) out.push((height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) {
    out.push(y * width);
    if (width > 1) out.push(y * width + width - 1);
  }
  return out;
}

function medianLab(lab: Float32Array, pixels: readonly number[]): [number, number, number] {
  const channel = (c: number) => {
    const values = pixels.map((p) => lab[p * 3 + c]!).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? 0;
  };
  return [channel(0), channel(1), channel(2)];
}

function deltaE(lab: Float32Array, p: number, ref: readonly [number, number, number]): number {
  const dl = lab[p * 3]! - ref[0];
  const da = lab[p * 3 + 1]! - ref[1];
  const db = lab[p * 3 + 2]! - ref[2];
  return Math.sqrt(dl * dl + da * da + db * db);
}

function deltaEBetween(lab: Float32Array, p: number, q: number): number {
  const dl = lab[p * 3]! - lab[q * 3]!;
  const da = lab[p * 3 + 1]! - lab[q * 3 + 1]!;
  const db = lab[p * 3 + 2]! - lab[q * 3 + 2]!;
  return Math.sqrt(dl * dl + da * da + db * db);
}

/**
 * Calls `visit` with the pixels of each 4-connected component of the pixels that pass `include`,
 * in breadth-first order; `members` is only valid during the call.
 */
function forEachComponent(width: number, height: number, include: (p: number) => boolean, visit: (members: Int32Array) => void): void {
  const n = width * height;
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  const take = (q: number, tail: number) => {
    if (seen[q] !== 0 || !include(q)) return tail;
    seen[q] = 1;
    queue[tail] = q;
    return tail + 1;
  };
  for (let start = 0; start < n; start++) {
    if (seen[start] !== 0 || !include(start)) continue;
    seen[start] = 1;
    queue[0] = start;
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const p = queue[head]!;
      const x = p % width;
      if (x > 0) tail = take(p - 1, tail);
      if (x < width - 1) tail = take(p + 1, tail);
      if (p >= width) tail = take(p - width, tail);
      if (p < n - width) tail = take(p + width, tail);
    }
    visit(queue.subarray(0, tail));
  }
}

/** Binary mask (0/1) to 0..255 opacity, box-blurred over (2r+1)² so the edge is soft. */
function featherMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const out = new Uint8Array(width * height);
  if (radius <= 0) {
    for (let p = 0; p < out.length; p++) out[p] = mask[p]! * 255;
    return out;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -radius; dx <= radius; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          sum += mask[yy * width + xx]!;
          count++;
        }
      }
      // A product pixel stays at least half opaque, so the box (alpha ≥ 128) is the mask's.
      const a = Math.round((255 * sum) / count);
      out[y * width + x] = mask[y * width + x] === 1 ? Math.max(128, a) : Math.min(127, a);
    }
  }
  return out;
}

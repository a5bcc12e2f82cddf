import sharp from "sharp";
import type { PreprocessConfig } from "./preprocess-config";
import { acceptImage, toCorruptImageError } from "./accept";
import { openImage, type DecodeLimits } from "./decode";

/**
 * Decodes an image and lays it out as the model expects: sRGB on a flat
 * background, resized by the configured geometry, channels reordered, mean
 * subtracted, divided by std, NHWC float32 of height×width×3.
 */
export async function preprocessImage(
  bytes: Uint8Array,
  config: PreprocessConfig,
  limits: DecodeLimits,
): Promise<Float32Array> {
  const rgb = await toModelPixels(bytes, config, limits);
  return normalisePixels(rgb, config);
}

/** The resized RGB pixels (uint8, height×width×3) before normalisation. */
export async function toModelPixels(
  bytes: Uint8Array,
  config: PreprocessConfig,
  limits: DecodeLimits,
): Promise<Uint8Array> {
  await acceptImage(bytes, "query", limits);
  const [r, g, b] = config.background;
  const background = { r, g, b, alpha: 1 };
  try {
    const { data, info } = await openImage(bytes, limits)
      .flatten({ background })
      .toColourspace("srgb")
      .resize({
        width: config.width,
        height: config.height,
        fit: config.resize === "center-crop" ? "cover" : "contain",
        position: "centre",
        background,
      })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== config.width * config.height * 3) {
      throw new Error(`unexpected decoded layout ${info.width}x${info.height}x${info.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw toCorruptImageError(error);
  }
}

/**
 * toModelPixels of a photo already decoded (sRGB, opaque, interleaved RGB at its own size) that
 * the model input does not shrink: resizing the decoded pixels gives toModelPixels' very bytes
 * (checked on catalog photos); shrinking could differ, as a decoder may shrink while it loads.
 */
export async function toModelPixelsFromRaw(rgb: Uint8Array, width: number, height: number, config: PreprocessConfig): Promise<Uint8Array | null> {
  const scale = config.resize === "center-crop" ? Math.max(config.width / width, config.height / height) : Math.min(config.width / width, config.height / height);
  if (scale < 1) return null;
  const [r, g, b] = config.background;
  const background = { r, g, b, alpha: 1 };
  const data = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize({ width: config.width, height: config.height, fit: config.resize === "center-crop" ? "cover" : "contain", position: "centre", background })
    .raw()
    .toBuffer();
  if (data.length !== config.width * config.height * 3) throw new Error(`unexpected resized layout of ${data.length} bytes`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** RGB uint8 pixels to the model's float layout (channel order, mean, std). */
export function normalisePixels(rgb: Uint8Array, config: PreprocessConfig): Float32Array {
  const out = new Float32Array(rgb.length);
  const bgr = config.channelOrder === "BGR";
  const [m0, m1, m2] = config.mean;
  const [s0, s1, s2] = config.std;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    out[i] = ((bgr ? b : r) - m0) / s0;
    out[i + 1] = (g - m1) / s1;
    out[i + 2] = ((bgr ? r : b) - m2) / s2;
  }
  return out;
}

import sharp from "sharp";
import type { ImageFormat } from "./accept";
import { toCorruptImageError } from "./accept";
import type { DecodeLimits } from "./decode";

/** A photo as the catalog stores and serves it. */
export type StrippedPhoto = { bytes: Uint8Array; width: number; height: number };

/**
 * Catalog photos are served publicly, so what a phone or editor put in them must not be:
 * the photo is decoded, turned upright by its EXIF orientation, and re-encoded in its
 * own format, which keeps no EXIF (GPS included), XMP, IPTC, ICC profile (colours are
 * converted to sRGB first), comments, or bytes after the image. JPEG and WebP are
 * re-encoded at quality 95 (the decision and its measurements: docs/robustness.md);
 * PNG stays lossless; a GIF keeps its first frame, the one search embeds.
 * Deterministic: the same photo gives the same bytes, so re-imports stay `unchanged`.
 */
export async function stripPhotoMetadata(bytes: Uint8Array, format: ImageFormat, limits: DecodeLimits): Promise<StrippedPhoto> {
  const image = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "error", pages: 1 }).autoOrient();
  const encoded =
    format === "jpeg" ? image.jpeg({ quality: 95 })
    : format === "png" ? image.png()
    : format === "webp" ? image.webp({ quality: 95 })
    : image.gif();
  try {
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw toCorruptImageError(error);
  }
}

import sharp, { type Metadata, type Sharp } from "sharp";
import { AppError } from "../errors";

export type DecodeLimits = { maxPixels: number };

export type ImageInfo = { format: string; width: number; height: number; channels: number; space: string; hasAlpha: boolean };

const supportedFormats = new Set(["jpeg", "png", "webp", "gif", "tiff", "avif"]);

/**
 * Opens untrusted image bytes with sharp under a pixel limit and checks the
 * format; bad input becomes an AppError (415 for non-images, 422 for broken ones).
 */
export async function inspectImage(bytes: Uint8Array, limits: DecodeLimits): Promise<ImageInfo> {
  if (bytes.byteLength === 0) throw new AppError("bad_request", "The image is empty");
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError("unsupported_media_type", "The file is not an image this service can read", { cause: error });
  }
  const format = formatOf(meta);
  if (!supportedFormats.has(format)) {
    throw new AppError("unsupported_media_type", `Unsupported image format: ${format}`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw new AppError("unprocessable_image", "The image has no pixels");
  if (width * height > limits.maxPixels) {
    throw new AppError(
      "payload_too_large",
      `The image is ${width}×${height} pixels; the limit is ${limits.maxPixels.toLocaleString("en")} pixels`,
    );
  }
  return {
    format,
    width,
    height,
    channels: meta.channels ?? 0,
    space: meta.space ?? "unknown",
    hasAlpha: meta.hasAlpha ?? false,
  };
}

/**
 * libvips reports AVIF and HEIC alike as "heif"; only the AV1 flavour (AVIF) decodes
 * with the bundled libheif, so HEVC (iPhone HEIC) is named and refused up front.
 */
function formatOf(meta: Metadata): string {
  if (meta.format === "heif") return meta.compression === "av1" ? "avif" : "heic";
  return meta.format ?? "unknown";
}

/** A sharp pipeline for bytes already checked by `inspectImage`: first frame, EXIF-oriented. */
export function openImage(bytes: Uint8Array, limits: DecodeLimits): Sharp {
  return sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "error", pages: 1 }).autoOrient();
}

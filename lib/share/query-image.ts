import sharp, { type OutputInfo } from "sharp";
import { AppError } from "../errors";
import { acceptImage, toCorruptImageError } from "../image/accept";
import { openImage, type DecodeLimits } from "../image/decode";
import { queryImageSpec } from "./query-image-spec";

export { queryImageSpec };

export type QueryImage = { bytes: Uint8Array; width: number; height: number; quality: number };

type RawImage = { data: Buffer; info: OutputInfo };

/**
 * libwebp's effort (0–6). 4 encodes in about half the time of 6 for 2–3% more bytes (measured on 32
 * studio photos and 16 scene photos: 3.1 → 2.0 ms and 14.8 → 7.6 ms, the ladder then lands 1.3
 * quality steps lower on scene photos on average; docs/decisions/0024-inference-thread.md).
 */
const WEBP_EFFORT = 4;

/**
 * Turns an uploaded photo into the canonical small WebP a share URL carries:
 * EXIF-oriented, flattened on white, fit inside the largest side that, at the
 * best quality that fits, stays within maxBytes (never enlarged). The upload is
 * decoded once; the ladder re-encodes the small result. Bad input is the
 * AppError of lib/image/accept: 415 not an image, 413 too many pixels, 422 corrupt.
 */
export async function toQueryImage(input: Uint8Array, limits: DecodeLimits): Promise<QueryImage> {
  await acceptImage(input, "query", limits);
  const [largest, ...smaller] = queryImageSpec.sides;
  let raw = await decodeFitted(input, largest, limits);
  let encoded: QueryImage | undefined;
  for (const side of [largest, ...smaller]) {
    if (Math.max(raw.info.width, raw.info.height) > side) raw = await shrink(raw, side);
    for (const quality of queryImageSpec.qualities) {
      encoded = await encodeWebp(raw, quality);
      if (encoded.bytes.byteLength <= queryImageSpec.maxBytes) return encoded;
    }
  }
  // Only noise-like images get here; decodeQueryParam's cap still bounds the URL.
  if (!encoded) throw new AppError("internal", "queryImageSpec has no qualities");
  return encoded;
}

async function decodeFitted(input: Uint8Array, side: number, limits: DecodeLimits): Promise<RawImage> {
  try {
    return await openImage(input, limits)
      .resize(side, side, { fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw toCorruptImageError(error);
  }
}

async function shrink({ data, info }: RawImage, side: number): Promise<RawImage> {
  const raw = { width: info.width, height: info.height, channels: info.channels };
  return sharp(data, { raw }).resize(side, side, { fit: "inside" }).raw().toBuffer({ resolveWithObject: true });
}

async function encodeWebp({ data, info }: RawImage, quality: number): Promise<QueryImage> {
  const raw = { width: info.width, height: info.height, channels: info.channels };
  const bytes = await sharp(data, { raw }).webp({ quality, effort: WEBP_EFFORT }).toBuffer();
  return { bytes: new Uint8Array(bytes), width: info.width, height: info.height, quality };
}

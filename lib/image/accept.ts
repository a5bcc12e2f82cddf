import sharp, { type Metadata } from "sharp";
import { AppError } from "../errors";
import type { DecodeLimits } from "./decode";

export type ImageFormat = "jpeg" | "png" | "gif" | "webp" | "tiff" | "avif";

/**
 * What an image is accepted for. `query`: a photo to search with, anything the bundled
 * libvips decodes (HEIC excluded). `catalog`: a photo the catalog stores and serves to
 * browsers as it is, so only the four web formats. `sharedQuery`: the small photo a share
 * link carries (WebP from toQueryImage; JPEG from older links).
 */
export type ImageUse = "query" | "catalog" | "sharedQuery";

type UseRule = {
  formats: readonly ImageFormat[];
  /**
   * Sniff the format from the leading bytes before any decoder sees them, so only the
   * listed formats ever reach libvips. `query` leaves detection to libvips, which names
   * what it refuses (an SVG, a HEIC).
   */
  signatureFirst: boolean;
};

const rules: Record<ImageUse, UseRule> = {
  query: { formats: ["jpeg", "png", "webp", "gif", "tiff", "avif"], signatureFirst: false },
  catalog: { formats: ["jpeg", "png", "gif", "webp"], signatureFirst: true },
  sharedQuery: { formats: ["webp", "jpeg"], signatureFirst: true },
};

const formatNames: Record<ImageFormat, string> = { jpeg: "JPEG", png: "PNG", gif: "GIF", webp: "WebP", tiff: "TIFF", avif: "AVIF" };

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
const signatures: Array<{ format: ImageFormat; matches: (b: Uint8Array) => boolean }> = [
  { format: "jpeg", matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { format: "png", matches: (b) => b.length > 8 && pngSignature.every((byte, i) => b[i] === byte) },
  { format: "gif", matches: (b) => ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a" },
  { format: "webp", matches: (b) => b.length > 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP" },
];

/** Catalog-sized photos are verified by one raw decode; larger ones by streaming stats(), which keeps memory flat. */
const rawVerifyMaxPixels = 4_000_000;

export type AcceptedImage = {
  format: ImageFormat;
  width: number;
  height: number;
  channels: number;
  space: string;
  hasAlpha: boolean;
};

export type AcceptOptions = DecodeLimits & {
  /** Also decode every pixel, so a truncated or corrupt body is refused here (catalog builds) and not at first use. */
  verifyPixels?: boolean;
};

/**
 * The one rule for untrusted image bytes: whether `use` accepts them (format, pixel
 * count, and optionally a full decode), as an AppError per refusal: 400 empty, 415 not
 * an accepted format, 422 no pixels or corrupt, 413 over `maxPixels`.
 */
export async function acceptImage(bytes: Uint8Array, use: ImageUse, options: AcceptOptions): Promise<AcceptedImage> {
  if (bytes.byteLength === 0) throw new AppError("bad_request", "The image is empty");
  const rule = rules[use];
  const sniffed = rule.signatureFirst ? acceptImageSignature(bytes, use) : undefined;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AppError("unsupported_media_type", "The file is not an image this service can read", { cause: error });
  }
  const format = formatOf(meta);
  if (sniffed && format !== sniffed) {
    throw new AppError("unsupported_media_type", `The file starts like a ${formatNames[sniffed]} image but holds ${format} data`);
  }
  if (!isAccepted(format, rule)) throw new AppError("unsupported_media_type", `Unsupported image format: ${format}`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw new AppError("unprocessable_image", "The image has no pixels");
  if (width * height > options.maxPixels) {
    throw new AppError(
      "payload_too_large",
      `The image is ${width}×${height} pixels, over the pixel limit of ${options.maxPixels.toLocaleString("en")}`,
    );
  }
  if (options.verifyPixels) await verifyPixels(bytes, width * height, options.maxPixels);
  return { format, width, height, channels: meta.channels ?? 0, space: meta.space ?? "unknown", hasAlpha: meta.hasAlpha ?? false };
}

/**
 * The synchronous first step of acceptImage, from the leading bytes only: the format
 * when `use` accepts it, else a 400 (empty) or 415. For a caller that cannot await
 * (a URL parameter); bytes that pass still get the whole of acceptImage before use.
 */
export function acceptImageSignature(bytes: Uint8Array, use: ImageUse): ImageFormat {
  if (bytes.byteLength === 0) throw new AppError("bad_request", "The image is empty");
  const { formats } = rules[use];
  const format = signatures.find((s) => formats.includes(s.format) && s.matches(bytes))?.format;
  if (!format) throw new AppError("unsupported_media_type", `The file is not a ${listFormats(formats)} image`);
  return format;
}

/** The 422 for bytes that passed acceptImage but do not decode: the client gets the message, the log the cause. */
export function toCorruptImageError(cause: unknown): AppError {
  return new AppError("unprocessable_image", "The image is corrupt or incomplete: cannot decode it", { cause });
}

function isAccepted(format: string, rule: UseRule): format is ImageFormat {
  return (rule.formats as readonly string[]).includes(format);
}

/**
 * libvips reports AVIF and HEIC alike as "heif"; only the AV1 flavour (AVIF) decodes
 * with the bundled libheif, so HEVC (iPhone HEIC) is named and refused up front.
 */
function formatOf(meta: Metadata): string {
  if (meta.format === "heif") return meta.compression === "av1" ? "avif" : "heic";
  return meta.format ?? "unknown";
}

/** metadata() reads headers only; a truncated or corrupt body shows when decoding. */
async function verifyPixels(bytes: Uint8Array, pixels: number, maxPixels: number): Promise<void> {
  const image = sharp(bytes, { limitInputPixels: maxPixels, failOn: "error" });
  try {
    if (pixels <= rawVerifyMaxPixels) await image.raw().toBuffer();
    else await image.stats();
  } catch (error) {
    throw toCorruptImageError(error);
  }
}

function listFormats(formats: readonly ImageFormat[]): string {
  const names = formats.map((f) => formatNames[f]);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : (names[0] ?? "");
}

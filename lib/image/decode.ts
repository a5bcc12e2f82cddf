import sharp, { type Sharp } from "sharp";

export type DecodeLimits = { maxPixels: number };

/** A sharp pipeline for bytes already accepted by `acceptImage`: first frame, EXIF-oriented. */
export function openImage(bytes: Uint8Array, limits: DecodeLimits): Sharp {
  return sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "error", pages: 1 }).autoOrient();
}

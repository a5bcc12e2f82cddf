import { openImage, type DecodeLimits } from "./decode";
import { estimateStudioMask } from "./studio-mask";

/** Side the photo is measured at: enough for a product's outline, cheap at ingest. */
const MEASURE_SIDE = 96;

/** Luminance standard deviation (0..255) under which the photo is one flat tone, whatever the mask says. */
export const BLANK_MAX_STDDEV = 2;

/**
 * Nothing stands out (product pixels under this share) and the photo is nearly flat (σ under
 * BLANK_MASKED_STDDEV): both, because a white product on white also leaves the mask empty but
 * has folds and seams (σ 7–11 in the data set), and tiny earrings cover only 0.4%.
 */
export const BLANK_MAX_COVERAGE = 0.001;
export const BLANK_MASKED_STDDEV = 5;

/** What the blank-photo check saw. */
export type BlankPhotoCheck = { blank: boolean; coverage: number; stddev: number };

/**
 * Whether a catalog photo shows nothing: the whole photo is one flat tone, or the studio
 * mask finds almost no product pixels in a nearly flat photo (the data set has one empty white image
 * shared by several ids). Measured on a small copy, flattened on white.
 */
export async function checkBlankPhoto(bytes: Uint8Array, limits: DecodeLimits): Promise<BlankPhotoCheck> {
  const { data, info } = await openImage(bytes, limits)
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace("srgb")
    .removeAlpha()
    .resize(MEASURE_SIDE, MEASURE_SIDE, { fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const { coverage } = estimateStudioMask(rgb, info.width, info.height, 3);
  const n = info.width * info.height;
  let sum = 0;
  let sumSq = 0;
  for (let p = 0; p < n; p++) {
    const y = 0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!;
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / n;
  const stddev = Math.sqrt(Math.max(sumSq / n - mean * mean, 0));
  return { blank: stddev < BLANK_MAX_STDDEV || (coverage < BLANK_MAX_COVERAGE && stddev < BLANK_MASKED_STDDEV), coverage, stddev };
}

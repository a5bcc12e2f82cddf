import { openImage, type DecodeLimits } from "./decode";
import { estimateStudioMask } from "./studio-mask";

/** Side the photo is measured at: enough for a product's outline, cheap at ingest. */
const MEASURE_SIDE = 96;

/** Product pixels under this share of the photo: nothing stands out from the background. */
export const BLANK_MAX_COVERAGE = 0.005;

/** Luminance standard deviation (0..255) under which the photo is one flat tone. */
export const BLANK_MAX_STDDEV = 2;

/** What the blank-photo check saw. */
export type BlankPhotoCheck = { blank: boolean; coverage: number; stddev: number };

/**
 * Whether a catalog photo shows nothing: the studio mask finds almost no product
 * pixels, or the whole photo is one flat tone (the data set has one empty white image
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
  return { blank: coverage < BLANK_MAX_COVERAGE || stddev < BLANK_MAX_STDDEV, coverage, stddev };
}

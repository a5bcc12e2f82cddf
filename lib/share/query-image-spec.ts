/**
 * The sizes of a shared query photo, in a module without sharp so the browser can
 * import them too (the upload form shrinks large photos before sending them).
 * See docs/decisions/0003-shareable-urls.md and 0018-phone-first.md.
 */
export const queryImageSpec = {
  /** Longest side tried first, then smaller ones if no quality fits the budget. */
  sides: [160, 128, 96, 64],
  qualities: [90, 80, 70, 60, 50, 40],
  maxBytes: 4096,
} as const;

/**
 * What the browser sends: a photo whose longest side is over this (or over the server's
 * byte or pixel limits) is shrunk to fit inside it first. Four times the shared copy's
 * side, so the server still reduces a larger image to the copy that is searched.
 */
export const uploadSpec = {
  maxSide: 4 * queryImageSpec.sides[0],
  type: "image/jpeg",
  quality: 0.92,
} as const;

/** The width and height that fit `width`×`height` inside `maxSide` and `maxPixels` (never enlarged). */
export function fitUploadSize(width: number, height: number, maxSide: number, maxPixels: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height), Math.sqrt(maxPixels / (width * height)));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

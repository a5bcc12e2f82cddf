import type { Box } from "../region/localise";
import { WHOLE_IMAGE } from "../region/localise";
import { formatCropBox } from "./region-param";

/** A corner handle of the crop box. */
export type CropHandle = "nw" | "ne" | "sw" | "se";

/** The smallest box the user can draw: a product is never a sliver, and a tiny crop embeds noise. */
export const MIN_CROP_SIZE = 0.05;
/** One arrow-key press moves or resizes the box by this fraction of the image. */
export const KEY_STEP = 0.02;
/** Decimals a user box keeps in the URL: a thousandth of the image is below a pixel of any query photo. */
const CROP_DECIMALS = 3;

/** Keeps a box inside the image and at least MIN_CROP_SIZE on each side. */
export function clampBox(box: Box): Box {
  const w = Math.min(1, Math.max(MIN_CROP_SIZE, box.w));
  const h = Math.min(1, Math.max(MIN_CROP_SIZE, box.h));
  return { x: Math.min(1 - w, Math.max(0, box.x)), y: Math.min(1 - h, Math.max(0, box.y)), w, h };
}

/** Moves a box by (dx, dy) fractions of the image, stopping at the image's edges without changing its size. */
export function moveBox(box: Box, dx: number, dy: number): Box {
  return clampBox({ ...box, x: box.x + dx, y: box.y + dy });
}

/** Drags one corner of a box by (dx, dy); the opposite corner stays put, the dragged one stops at the edge and at the minimum size. */
export function resizeBox(box: Box, handle: CropHandle, dx: number, dy: number): Box {
  let [left, top, right, bottom] = [box.x, box.y, box.x + box.w, box.y + box.h];
  if (handle === "nw" || handle === "sw") left = Math.min(right - MIN_CROP_SIZE, Math.max(0, left + dx));
  else right = Math.max(left + MIN_CROP_SIZE, Math.min(1, right + dx));
  if (handle === "nw" || handle === "ne") top = Math.min(bottom - MIN_CROP_SIZE, Math.max(0, top + dy));
  else bottom = Math.max(top + MIN_CROP_SIZE, Math.min(1, bottom + dy));
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/**
 * The box after an arrow key: arrows move it, shift+arrows resize it from its bottom-right corner
 * (right/down grow, left/up shrink). Undefined for any other key, so the caller lets it through.
 */
export function stepBox(box: Box, key: string, shift: boolean): Box | undefined {
  const delta: Record<string, [number, number]> = {
    ArrowLeft: [-KEY_STEP, 0],
    ArrowRight: [KEY_STEP, 0],
    ArrowUp: [0, -KEY_STEP],
    ArrowDown: [0, KEY_STEP],
  };
  const step = delta[key];
  if (!step) return undefined;
  return shift ? resizeBox(box, "se", step[0], step[1]) : moveBox(box, step[0], step[1]);
}

/** Rounds a box to the URL's decimals, never letting rounding push it past the image's right or bottom edge. */
export function roundBox(box: Box): Box {
  const scale = 10 ** CROP_DECIMALS;
  const x = Math.round(box.x * scale) / scale;
  const y = Math.round(box.y * scale) / scale;
  const w = Math.min(Math.round(box.w * scale), scale - Math.round(x * scale)) / scale;
  const h = Math.min(Math.round(box.h * scale), scale - Math.round(y * scale)) / scale;
  return { x, y, w, h };
}

/** The crop parameter's text for a box the user drew (x,y,w,h at 3 decimals). */
export function toUserCropParam(box: Box): string {
  return formatCropBox(roundBox(box));
}

/** The box a search used, for drawing: its region, or the whole photo when none was given. */
export function toDrawnBox(region: Box | undefined): Box {
  return region ? clampBox({ x: region.x, y: region.y, w: region.w, h: region.h }) : WHOLE_IMAGE;
}

/**
 * The same share URL with another crop (undefined: the default, auto). The crop sits right after
 * k, where buildShareHref writes it, so the page needs no canonical redirect; a new region means
 * new results, so the page offset is dropped and the search starts from its best matches.
 */
export function withCropParam(href: string, crop: string | undefined): string {
  const [path = "", query = ""] = href.split("?", 2);
  const params = new URLSearchParams(query);
  const next = new URLSearchParams();
  for (const [key, value] of params) {
    if (key === "crop" || key === "offset") continue;
    next.append(key, value);
    if (key === "k" && crop) next.append("crop", crop);
  }
  return `${path}?${next.toString()}`;
}

/** A box in words for screen readers: where its edges are, in percent of the photo. */
export function describeBox(box: Box): string {
  const pct = (v: number) => `${Math.round(100 * v)}%`;
  return `from ${pct(box.x)} to ${pct(box.x + box.w)} across, ${pct(box.y)} to ${pct(box.y + box.h)} down`;
}

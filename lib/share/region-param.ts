import { z } from "zod";
import type { Box } from "../region/localise";
import type { RegionRequest } from "../region/query-region";

export const CROP_MESSAGE = "crop must be auto, none or x,y,w,h: four fractions of the image in [0, 1] with w, h > 0 and the box inside the image";

/** Slack for boxes written with rounded fractions (x + w = 1.0000001). */
const EDGE_SLACK = 1e-6;
/** A fraction as written in a URL: plain decimals only, no exponent, sign or hex. */
const FRACTION = /^(?:0|1|0?\.[0-9]{1,8}|[01]\.[0-9]{1,8})$/;

/** Parses "x,y,w,h" into a box; undefined when it is malformed, out of [0, 1], empty or past the image's edge. */
export function parseCropBox(text: string): Box | undefined {
  const parts = text.split(",");
  if (parts.length !== 4 || !parts.every((p) => FRACTION.test(p))) return undefined;
  const [x, y, w, h] = parts.map(Number) as [number, number, number, number];
  const inside = [x, y, w, h].every((v) => v >= 0 && v <= 1) && x + w <= 1 + EDGE_SLACK && y + h <= 1 + EDGE_SLACK;
  return inside && w > 0 && h > 0 ? { x, y, w: Math.min(w, 1 - x), h: Math.min(h, 1 - y) } : undefined;
}

/** A box as the crop parameter writes it: four fractions, at most 4 decimals, so equal boxes give equal URLs. */
export function formatCropBox(box: Box): string {
  return [box.x, box.y, box.w, box.h].map((v) => String(Number(v.toFixed(4)))).join(",");
}

/** The crop query parameter: `auto` (default: the product is found), `none` (the whole photo) or a user box. */
export const cropSchema = z
  .string({ error: CROP_MESSAGE })
  .default("auto")
  .transform((text, ctx): RegionRequest => {
    if (text === "auto" || text === "none") return { source: text };
    const box = parseCropBox(text);
    if (!box) {
      ctx.addIssue({ code: "custom", message: CROP_MESSAGE });
      return z.NEVER;
    }
    return { source: "user", box };
  })
  .describe("Part of the photo to search with: auto (the product is found), none (the whole photo), or x,y,w,h as fractions of the image");

/** The crop parameter's value for a region request (undefined for the default, auto). */
export function toCropParam(region: RegionRequest | undefined): string | undefined {
  if (!region || region.source === "auto") return undefined;
  return region.source === "none" ? "none" : formatCropBox(region.box);
}

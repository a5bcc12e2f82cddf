import { describe, expect, it } from "vitest";
import type { Box } from "../region/localise";
import { parseCropBox } from "./region-param";
import { buildShareHref } from "./share-url";
import {
  clampBox,
  describeBox,
  KEY_STEP,
  MIN_CROP_SIZE,
  moveBox,
  resizeBox,
  roundBox,
  stepBox,
  toDrawnBox,
  toUserCropParam,
  withCropParam,
} from "./crop-box";

const box: Box = { x: 0.2, y: 0.3, w: 0.4, h: 0.5 };
const close = (actual: Box, expected: Box) => {
  for (const key of ["x", "y", "w", "h"] as const) expect(actual[key], key).toBeCloseTo(expected[key], 9);
};

describe("crop box maths", () => {
  it("clamps a box into the image at the minimum size", () => {
    close(clampBox({ x: -0.1, y: 0.9, w: 0.3, h: 0.3 }), { x: 0, y: 0.7, w: 0.3, h: 0.3 });
    close(clampBox({ x: 0.5, y: 0.5, w: 0.01, h: 2 }), { x: 0.5, y: 0, w: MIN_CROP_SIZE, h: 1 });
  });

  it("moves a box and stops it at the edges without shrinking it", () => {
    close(moveBox(box, 0.1, -0.1), { x: 0.3, y: 0.2, w: 0.4, h: 0.5 });
    close(moveBox(box, 0.9, 0.9), { x: 0.6, y: 0.5, w: 0.4, h: 0.5 });
    close(moveBox(box, -0.9, -0.9), { x: 0, y: 0, w: 0.4, h: 0.5 });
  });

  it("resizes from the dragged corner, keeping the opposite one fixed", () => {
    close(resizeBox(box, "se", 0.1, 0.1), { x: 0.2, y: 0.3, w: 0.5, h: 0.6 });
    close(resizeBox(box, "nw", 0.1, -0.1), { x: 0.3, y: 0.2, w: 0.3, h: 0.6 });
    close(resizeBox(box, "ne", 0.1, 0.1), { x: 0.2, y: 0.4, w: 0.5, h: 0.4 });
    close(resizeBox(box, "sw", -0.1, -0.1), { x: 0.1, y: 0.3, w: 0.5, h: 0.4 });
  });

  it("stops a resize at the image's edge and at the minimum size", () => {
    close(resizeBox(box, "se", 0.9, 0.9), { x: 0.2, y: 0.3, w: 0.8, h: 0.7 });
    close(resizeBox(box, "nw", -0.9, -0.9), { x: 0, y: 0, w: 0.6, h: 0.8 });
    close(resizeBox(box, "se", -0.9, -0.9), { x: 0.2, y: 0.3, w: MIN_CROP_SIZE, h: MIN_CROP_SIZE });
    close(resizeBox(box, "nw", 0.9, 0.9), { x: 0.6 - MIN_CROP_SIZE, y: 0.8 - MIN_CROP_SIZE, w: MIN_CROP_SIZE, h: MIN_CROP_SIZE });
  });

  it("moves with arrows and resizes with shift+arrows; other keys are not handled", () => {
    close(stepBox(box, "ArrowRight", false)!, { ...box, x: 0.2 + KEY_STEP });
    close(stepBox(box, "ArrowUp", false)!, { ...box, y: 0.3 - KEY_STEP });
    close(stepBox(box, "ArrowRight", true)!, { ...box, w: 0.4 + KEY_STEP });
    close(stepBox(box, "ArrowUp", true)!, { ...box, h: 0.5 - KEY_STEP });
    close(stepBox({ x: 0, y: 0, w: 1, h: 1 }, "ArrowLeft", false)!, { x: 0, y: 0, w: 1, h: 1 });
    expect(stepBox(box, "Enter", false)).toBeUndefined();
    expect(stepBox(box, "a", true)).toBeUndefined();
  });

  it("rounds to 3 decimals without crossing the image's edge, and the API accepts the result", () => {
    expect(roundBox({ x: 0.12345, y: 0.5, w: 0.33333, h: 0.25 })).toEqual({ x: 0.123, y: 0.5, w: 0.333, h: 0.25 });
    // A box pushed against the right and bottom edges: x and w (y and h) would each round up to 1.001 in all.
    const atEdge = moveBox({ x: 0.1, y: 0.1, w: 0.3335, h: 0.2225 }, 1, 1);
    expect(roundBox(atEdge)).toEqual({ x: 0.667, y: 0.778, w: 0.333, h: 0.222 });
    expect(toUserCropParam(atEdge)).toBe("0.667,0.778,0.333,0.222");
    expect(parseCropBox(toUserCropParam(atEdge))).toBeDefined();
    const dragged = resizeBox(moveBox(box, 0.123456, 0.0987), "se", 0.3, 0.3);
    const text = toUserCropParam(dragged);
    expect(text).toMatch(/^(?:[01](?:\.\d{1,3})?|\.\d{1,3}|0\.\d{1,3})(?:,(?:[01](?:\.\d{1,3})?|0\.\d{1,3})){3}$/);
    expect(parseCropBox(text)).toEqual(roundBox(dragged));
  });

  it("draws the search's region, or the whole photo when it had none", () => {
    expect(toDrawnBox(undefined)).toEqual({ x: 0, y: 0, w: 1, h: 1 });
    expect(toDrawnBox({ x: 0.1, y: 0.2, w: 0.3, h: 0.4 })).toEqual({ x: 0.1, y: 0.2, w: 0.3, h: 0.4 });
  });

  it("says where the box is in words", () => {
    expect(describeBox(box)).toBe("from 20% to 60% across, 30% to 80% down");
  });
});

describe("share URL with a crop", () => {
  const query = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 1, 2, 3]);
  const user = { source: "user" as const, box: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 } };
  const searches = [
    { query, k: 10, filters: {} },
    { query, k: 7, filters: { gender: "Women" }, mode: "colour" as const },
    { query, k: 5, filters: { articleType: "Tshirts" }, mode: "style" as const, sort: "name" as const, feedback: { positive: ["a1"], negative: [] } },
  ];

  it.each(searches)("writes the URL buildShareHref writes for the same search (%#)", (search) => {
    for (const from of [{ source: "auto" as const }, { source: "none" as const }, user]) {
      const href = buildShareHref({ ...search, region: from });
      expect(withCropParam(href, "0.1,0.2,0.3,0.4")).toBe(buildShareHref({ ...search, region: user }));
      expect(withCropParam(href, "none")).toBe(buildShareHref({ ...search, region: { source: "none" } }));
      expect(withCropParam(href, undefined)).toBe(buildShareHref({ ...search, region: { source: "auto" } }));
    }
  });

  it("starts a new crop from the first page", () => {
    const href = buildShareHref({ query, k: 10, filters: {}, offset: 20 });
    expect(withCropParam(href, "none")).toBe(buildShareHref({ query, k: 10, filters: {}, region: { source: "none" } }));
  });
});

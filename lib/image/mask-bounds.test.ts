import { describe, expect, it } from "vitest";
import { measureMaskBounds } from "./mask-bounds";

describe("measureMaskBounds", () => {
  it("boxes the non-zero pixels and counts them", () => {
    // 4 × 3, set pixels at (1,0), (3,1) and (2,2)
    const mask = Uint8Array.of(0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0);
    expect(measureMaskBounds(mask, 4)).toEqual({ box: { x: 1, y: 0, w: 3, h: 3 }, count: 3 });
  });

  it("is a one-pixel box for one pixel and null for an empty mask", () => {
    expect(measureMaskBounds(Uint8Array.of(0, 0, 0, 1), 2)).toEqual({ box: { x: 1, y: 1, w: 1, h: 1 }, count: 1 });
    expect(measureMaskBounds(new Uint8Array(6), 3)).toEqual({ box: null, count: 0 });
  });
});

import { describe, expect, it } from "vitest";
import { cropSchema, formatCropBox, parseCropBox, toCropParam } from "./region-param";

describe("crop parameter", () => {
  it("reads auto, none and a box of fractions", () => {
    expect(cropSchema.parse(undefined)).toEqual({ source: "auto" });
    expect(cropSchema.parse("none")).toEqual({ source: "none" });
    expect(cropSchema.parse("0.1,0.2,0.5,.25")).toEqual({ source: "user", box: { x: 0.1, y: 0.2, w: 0.5, h: 0.25 } });
    expect(cropSchema.parse("0,0,1,1")).toEqual({ source: "user", box: { x: 0, y: 0, w: 1, h: 1 } });
  });

  it.each([
    ["malformed", "0.1,0.2,0.5"],
    ["malformed", "a,b,c,d"],
    ["malformed", "0.1;0.2;0.5;0.5"],
    ["exponent", "1e-1,0,0.5,0.5"],
    ["negative", "-0.1,0,0.5,0.5"],
    ["out of range", "0,0,1.5,0.5"],
    ["past the edge", "0.6,0,0.5,0.5"],
    ["empty", "0.2,0.2,0,0.5"],
    ["empty", "0.2,0.2,0.5,0"],
  ])("refuses a %s box (%s)", (_, text) => {
    expect(parseCropBox(text)).toBeUndefined();
    expect(cropSchema.safeParse(text).success).toBe(false);
  });

  it("writes a box back the way it reads it", () => {
    const box = { x: 0.123456, y: 0, w: 0.5, h: 0.333333 };
    expect(formatCropBox(box)).toBe("0.1235,0,0.5,0.3333");
    expect(toCropParam({ source: "user", box })).toBe("0.1235,0,0.5,0.3333");
    expect(toCropParam({ source: "auto" })).toBeUndefined();
    expect(toCropParam({ source: "none" })).toBe("none");
  });
});

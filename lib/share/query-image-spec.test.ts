import { describe, expect, it } from "vitest";
import { fitUploadSize, uploadSpec } from "./query-image-spec";

describe("fitUploadSize", () => {
  it("fits the longest side inside maxSide, keeping the aspect", () => {
    expect(fitUploadSize(8000, 7000, uploadSpec.maxSide, 50_000_000)).toEqual({ width: 640, height: 560 });
    expect(fitUploadSize(1200, 1600, 640, 50_000_000)).toEqual({ width: 480, height: 640 });
  });

  it("never enlarges a photo that already fits", () => {
    expect(fitUploadSize(60, 80, 640, 50_000_000)).toEqual({ width: 60, height: 80 });
  });

  it("stays within the pixel limit even when the side allows more", () => {
    const { width, height } = fitUploadSize(20_000, 20_000, 100_000, 50_000_000);
    expect(width * height).toBeLessThanOrEqual(50_000_000);
    expect(width).toBe(7071);
  });

  it("keeps at least one pixel on a sliver", () => {
    expect(fitUploadSize(20_000, 1, 640, 50_000_000)).toEqual({ width: 640, height: 1 });
  });
});

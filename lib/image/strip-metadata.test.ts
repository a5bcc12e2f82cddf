import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { stripPhotoMetadata } from "./strip-metadata";

const limits = { maxPixels: 50_000_000 };

/** A 40×20 JPEG, left half red, with GPS EXIF and orientation 6 (shown rotated 90° clockwise). */
async function photoWithGps(): Promise<Buffer> {
  const left = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#ff0000" } }).png().toBuffer();
  return sharp({ create: { width: 40, height: 20, channels: 3, background: "#0000ff" } })
    .composite([{ input: left, left: 0, top: 0 }])
    .withExif({ IFD0: { Make: "PhoneCo" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2964/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 17/1 4008/100" } })
    .withIccProfile("p3")
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toBuffer();
}

describe("stripPhotoMetadata", () => {
  it("applies the EXIF orientation, then drops EXIF (GPS included), ICC and XMP", async () => {
    const input = await photoWithGps();
    const before = await sharp(input).metadata();
    expect(input.includes(Buffer.from("PhoneCo"))).toBe(true);
    expect(before.exif!.length).toBeGreaterThan(100);
    expect(before.orientation).toBe(6);
    expect(before.icc).toBeDefined();
    const stripped = await stripPhotoMetadata(input, "jpeg", limits);
    const after = await sharp(stripped.bytes).metadata();
    expect(after).toMatchObject({ format: "jpeg", width: 20, height: 40 });
    expect(after.exif).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(Buffer.from(stripped.bytes).includes(Buffer.from("PhoneCo"))).toBe(false);
    expect([stripped.width, stripped.height]).toEqual([20, 40]);
    // Rotated clockwise: the red left half is now the top.
    const { data } = await sharp(stripped.bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    expect(pixel(10, 5)[0]).toBeGreaterThan(200);
    expect(pixel(10, 35)[2]).toBeGreaterThan(200);
  });

  it("drops text chunks and trailing bytes of a PNG, losslessly, and is deterministic", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } })
      .withMetadata()
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret>home address</secret></x:xmpmeta>')
      .png()
      .toBuffer();
    const input = Buffer.concat([png, Buffer.from("trailing secret")]);
    const a = await stripPhotoMetadata(input, "png", limits);
    const b = await stripPhotoMetadata(input, "png", limits);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const text = Buffer.from(a.bytes).toString("latin1");
    expect(text).not.toMatch(/secret|xmpmeta/);
    expect(await sharp(a.bytes).raw().toBuffer()).toEqual(await sharp(png).raw().toBuffer());
  });

  it("refuses bytes that do not decode with a 422", async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#123456" } }).jpeg().toBuffer();
    await expect(stripPhotoMetadata(jpeg.subarray(0, jpeg.length >> 1), "jpeg", limits)).rejects.toMatchObject({ code: "unprocessable_image" });
  });
});

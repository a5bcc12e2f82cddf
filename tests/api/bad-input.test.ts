import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { catalogDir, formWith, readFileBytes, searchRequest, useSmallCatalog } from "./fixtures";

// The bad-input battery (docs/robustness.md lists every kind with its expected answer).
// tests/api/search.test.ts and items.test.ts hold the first kinds; these are the rest.
// Every kind gets a clear JSON error, the service keeps answering, and the catalog on
// disk is byte-for-byte what it was before the battery.

vi.mock("server-only", () => ({}));
useSmallCatalog();

const { POST } = await import("@/app/api/search/route");
const images = await import("@/app/api/images/[id]/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const runtime = await getSearchRuntime();

type ErrorBody = { error: { code: string; message: string } };

async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorBody;
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message.length).toBeGreaterThan(10);
  return body;
}

const upload = (bytes: Uint8Array, name = "photo.jpg", type = "image/jpeg", query = "") =>
  POST(searchRequest(formWith([["image", bytes, name, type]]), query));

/** sha256 of every file of the catalog but its photos (which are content-addressed already). */
async function snapshotCatalog(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string) => {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) {
        if (rel !== "images") await walk(rel);
      } else {
        out[rel] = createHash("sha256").update(await readFile(path.join(dir, rel))).digest("hex");
      }
    }
  };
  await walk("");
  return out;
}

const solid = (width: number, height: number, colour = "#3366cc") =>
  sharp({ create: { width, height, channels: 3, background: colour } });

/** A photo no other item shares, so "rank 1 is the item itself" is well defined. */
function uniquePhotoItem() {
  const counts = new Map<string, number>();
  for (const { imageHash } of runtime.service.items) counts.set(imageHash, (counts.get(imageHash) ?? 0) + 1);
  return runtime.service.items.find((item) => counts.get(item.imageHash) === 1)!;
}

describe("bad input battery", () => {
  const item = uniquePhotoItem();
  let photo: Uint8Array;
  let before: Record<string, string>;
  let imageCount: number;

  beforeAll(async () => {
    photo = await readFileBytes(runtime.service.imageFile(item.id).path);
    before = await snapshotCatalog(catalogDir);
    imageCount = (await readdir(path.join(catalogDir, "images"))).length;
  });

  describe("POST /api/search: the request", () => {
    it("400: an empty multipart body", async () => {
      const request = searchRequest(new Uint8Array(0), "", { "content-type": "multipart/form-data; boundary=x" });
      await expectError(await POST(request), 400, "bad_request");
    });

    it("400: multipart without a boundary", async () => {
      const request = searchRequest(new TextEncoder().encode("--x\r\n\r\n--x--\r\n"), "", { "content-type": "multipart/form-data; " });
      await expectError(await POST(request), 400, "bad_request");
    });

    it("400: a multipart body whose boundary does not match the header", async () => {
      const text = '--other\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nxx\r\n--other--\r\n';
      const request = searchRequest(new TextEncoder().encode(text), "", { "content-type": "multipart/form-data; boundary=x" });
      await expectError(await POST(request), 400, "bad_request");
    });

    it("415: a JSON body", async () => {
      const request = searchRequest(JSON.stringify({ image: "aGVsbG8=" }), "", { "content-type": "application/json" });
      await expectError(await POST(request), 415, "unsupported_media_type");
    });

    it("400: a zero-byte file", async () => {
      await expectError(await upload(new Uint8Array(0)), 400, "bad_request");
    });

    it("400: the image field sent as text, not a file", async () => {
      await expectError(await POST(searchRequest(formWith([], { image: "photo.jpg" }))), 400, "bad_request");
    });

    it.each(["k=-1", "k=Infinity", "k=101", "page=2", "articleType=" + "x".repeat(3000), "gender=%E2%80%AE"])(
      "400: bad query (%s)",
      async (query) => {
        await expectError(await upload(photo, "a.jpg", "image/jpeg", `?${query}`), 400, "bad_request");
      },
    );
  });

  describe("POST /api/search: the photo", () => {
    it("415 or 422: a corrupt PNG (valid signature, garbage after it)", async () => {
      const png = await solid(64, 64).png().toBuffer();
      const corrupt = new Uint8Array(png);
      for (let i = 16; i < corrupt.length; i++) corrupt[i] = (i * 31) & 0xff;
      const response = await upload(corrupt, "c.png", "image/png");
      expect([415, 422]).toContain(response.status);
      await expectError(response, response.status, response.status === 415 ? "unsupported_media_type" : "unprocessable_image");
    });

    it("422: a PNG whose pixel data is cut off", async () => {
      const png = await solid(300, 300).composite([{ input: await solid(100, 100, "#ffcc00").png().toBuffer() }]).png().toBuffer();
      await expectError(await upload(new Uint8Array(png.subarray(0, png.length - 200)), "cut.png", "image/png"), 422, "unprocessable_image");
    });

    it("413: a JPEG whose header claims 60000×60000 pixels", async () => {
      const jpeg = new Uint8Array(await solid(64, 64).jpeg().toBuffer());
      // Patch the frame header (SOF0/SOF2: FF C0/C2, length, precision, height, width).
      const sof = jpeg.findIndex((b, i) => b === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2));
      expect(sof).toBeGreaterThan(0);
      new DataView(jpeg.buffer).setUint16(sof + 5, 60000);
      new DataView(jpeg.buffer).setUint16(sof + 7, 60000);
      await expectError(await upload(jpeg), 413, "payload_too_large");
    });

    it("415: an SVG with external references (never fetched or read)", async () => {
      const svg = new TextEncoder().encode(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="50" height="50">' +
          '<image xlink:href="file:///etc/passwd" width="50" height="50"/><image href="http://127.0.0.1:9/x.png" width="50" height="50"/></svg>',
      );
      const body = await expectError(await upload(svg, "x.svg", "image/svg+xml"), 415, "unsupported_media_type");
      expect(body.error.message).toMatch(/svg/i);
    });

    it("415: a HEIC file (HEVC is not decodable here)", async () => {
      // An ISO-BMFF `ftyp` box with the heic brand, then junk: what an iPhone photo starts with.
      const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"), Buffer.alloc(512, 7)]);
      await expectError(await upload(new Uint8Array(ftyp), "IMG_0001.HEIC", "image/heic"), 415, "unsupported_media_type");
    });

    it.each([
      ["BMP", Buffer.concat([Buffer.from("BM"), Buffer.alloc(60)])],
      ["PDF", Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")],
      ["ZIP", Buffer.from([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)])],
      ["HTML", Buffer.from("<!doctype html><script>alert(1)</script>")],
    ])("415: %s bytes sent as image/jpeg", async (_, bytes) => {
      await expectError(await upload(new Uint8Array(bytes)), 415, "unsupported_media_type");
    });

    it("200: an AVIF photo, as the API documents", async () => {
      const avif = await sharp(photo).avif().toBuffer();
      const response = await upload(new Uint8Array(avif), "a.avif", "image/avif", "?k=3");
      expect(response.status).toBe(200);
      expect((await response.json()).results[0].id).toBe(item.id);
    });

    it("200: an animated GIF is searched by its first frame", async () => {
      const first = await sharp(photo).png().toBuffer();
      const second = await sharp(photo).negate().png().toBuffer();
      const gif = await sharp([first, second], { join: { animated: true } }).gif().toBuffer();
      expect((await sharp(gif).metadata()).pages).toBe(2);
      const response = await upload(new Uint8Array(gif), "a.gif", "image/gif", "?k=3");
      expect(response.status).toBe(200);
      expect((await response.json()).results).toHaveLength(3);
    });

    it.each([
      ["1×1 pixel", () => solid(1, 1).png().toBuffer()],
      ["20000×1 pixels", () => solid(20000, 1).png().toBuffer()],
      ["16-bit greyscale PNG", () => solid(40, 40).greyscale().toColourspace("grey16").png().toBuffer()],
      ["fully transparent PNG", () => sharp({ create: { width: 40, height: 40, channels: 4, background: "#0000" } }).png().toBuffer()],
      ["CMYK JPEG", () => solid(40, 40).toColourspace("cmyk").jpeg().toBuffer()],
    ])("200: an odd but valid image (%s) still gets results", async (_, make) => {
      const response = await upload(new Uint8Array(await make()), "odd.png", "image/png", "?k=2");
      expect(response.status).toBe(200);
      expect((await response.json()).results).toHaveLength(2);
    });

    it("never writes an upload under the name the client chose", async () => {
      const name = `../../${path.basename(os.tmpdir())}/vps-upload-${process.pid}.jpg`;
      const response = await upload(photo, name, "image/jpeg", "?k=1");
      expect(response.status).toBe(200);
      for (const dir of [process.cwd(), os.tmpdir(), catalogDir, path.join(catalogDir, "images")]) {
        expect(existsSync(path.join(dir, path.basename(name)))).toBe(false);
      }
      expect((await readdir(path.join(catalogDir, "images"))).length).toBe(imageCount);
    });
  });

  describe("GET /api/images/{id}", () => {
    const context = (id: string) => ({ params: Promise.resolve({ id }) });
    it.each([
      ["a catalog id with a trailing slash", () => `${item.id}/`],
      ["a catalog id with a dot segment", () => `${item.id}/..`],
      ["a Windows path", () => "..\\..\\windows\\win.ini"],
      ["a percent-encoded NUL", () => "1%00"],
    ])("400 or 404 JSON, never a file: %s", async (_, id) => {
      const response = await images.GET(new Request("http://localhost/api/images/x"), context(id()));
      expect([400, 404]).toContain(response.status);
      await expectError(response, response.status, response.status === 400 ? "bad_request" : "not_found");
    });
  });

  afterAll(async () => {
    // The service still answers a valid search, and nothing already built changed.
    const response = await upload(photo, "photo.jpg", "image/jpeg", "?k=1");
    expect(response.status).toBe(200);
    expect((await response.json()).results[0].id).toBe(item.id);
    expect(await snapshotCatalog(catalogDir)).toEqual(before);
    expect((await readdir(path.join(catalogDir, "images"))).length).toBe(imageCount);
  });
});

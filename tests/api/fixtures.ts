import { readFile } from "node:fs/promises";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { hasCatalogSync } from "../../lib/catalog/store";

/** The catalog the API tests run against; build it first (see the README's catalog:build). */
export const catalogDir = process.env.CATALOG_DIR ?? "data/catalog-small";

/** Points the lazily loaded runtime at the small catalog and fails loudly when it is not built. */
export function useSmallCatalog(): void {
  process.env.CATALOG_DIR = catalogDir;
  if (!hasCatalogSync(catalogDir)) {
    throw new Error(
      `No catalog in ${catalogDir}. Build one first: npm run catalog:build -- --images <dir> --csv <csv> --out ${catalogDir}`,
    );
  }
}

/** A multipart body with `files` in the given fields plus optional text fields. */
export function formWith(files: [field: string, bytes: Uint8Array, name: string, type: string][], text: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [field, bytes, name, type] of files) form.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
  for (const [key, value] of Object.entries(text)) form.append(key, value);
  return form;
}

/** POST /api/search as the browser would send it. */
export function searchRequest(body: BodyInit, query = "", headers?: HeadersInit): Request {
  return new Request(`http://localhost/api/search${query}`, { method: "POST", body, headers });
}

export async function readFileBytes(file: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(file));
}

/** A valid JPEG cut in half: the header is fine, the scan data ends early. */
export async function truncatedJpeg(): Promise<Uint8Array> {
  const jpeg = await sharp({ create: { width: 200, height: 200, channels: 3, background: "#3366cc" } })
    .composite([{ input: Buffer.from('<svg width="200" height="200"><circle cx="100" cy="100" r="80" fill="#ffcc00"/></svg>') }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return new Uint8Array(jpeg.subarray(0, Math.floor(jpeg.length / 2)));
}

/**
 * A decompression bomb: a valid 30000×30000 1-bit PNG of about 100 KB that would
 * decode to 900 megapixels. Written with zlib directly because having sharp
 * encode 900 MP takes close to a minute; sharp reads its header in the test.
 */
export function pngBomb(side = 30000): Uint8Array {
  const rowBytes = 1 + Math.ceil(side / 8); // filter byte + 1 bit per pixel
  const idat = deflateSync(Buffer.alloc(rowBytes * side));
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]),
  );
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Photos added through the admin API are served without what the camera put in them
 * (issue 14: EXIF with GPS was served publicly): upright, no EXIF/GPS/XMP/ICC; the
 * stored bytes are what the hash, the ETag and the duplicate check see.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import sharp, { type Metadata } from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { copyCatalog, newProducts, type NewProducts } from "../helpers/live-catalog";
import { formWith, readFileBytes } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "photo-metadata-admin-token-0123456789ab";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;

const items = await import("@/app/api/items/route");
const images = await import("@/app/api/images/[id]/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");

let products: NewProducts;
let tagged: Buffer;
let original: Metadata;

const gps = { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2964/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 17/1 4008/100" };

beforeAll(async () => {
  const runtime = await getSearchRuntime();
  products = await newProducts(new Set(runtime.service.items.map((i) => i.id)), 1, ["Watches"]);
  const photo = await readFileBytes(path.join(products.imagesDir, `${products.ids[0]}.jpg`));
  original = await sharp(photo).metadata();
  // What a phone sends: GPS in EXIF, the camera's make, and "rotate 90° clockwise to view".
  tagged = await sharp(photo).withExif({ IFD0: { Make: "PhoneCo", Model: "Secret 12" }, IFD3: gps }).withMetadata({ orientation: 6 }).jpeg({ quality: 98 }).toBuffer();
});

afterAll(async () => {
  await products?.cleanup();
  await fs.rm(catalogDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${token}` };
const add = (id: string, photo: Uint8Array) =>
  items.POST(new Request("http://localhost/api/items", { method: "POST", headers: auth, body: formWith([["image", photo, "phone.jpg", "image/jpeg"]], { id, productDisplayName: "Phone photo", articleType: "Watches" }) }));
const getImage = (id: string, headers: Record<string, string> = {}) =>
  images.GET(new Request(`http://localhost/api/images/${id}`, { headers }), { params: Promise.resolve({ id }) });

describe("photos added through the API", () => {
  it("are served upright and without EXIF, GPS, XMP or ICC; hash and ETag are of the served bytes", async () => {
    const sent = await sharp(tagged).metadata();
    expect(sent.orientation).toBe(6);
    expect(tagged.includes(Buffer.from("Secret 12"))).toBe(true);
    const added = await add("exif-1", tagged);
    expect(added.status).toBe(201);
    const { item } = (await added.json()) as { item: { imageHash: string; width: number; height: number } };
    const served = await getImage("exif-1");
    expect(served.status).toBe(200);
    const bytes = Buffer.from(await served.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(bytes.includes(Buffer.from("Secret 12"))).toBe(false);
    expect(bytes.includes(Buffer.from("PhoneCo"))).toBe(false);
    // Orientation 6 applied: the stored photo is the original turned a quarter.
    expect([meta.width, meta.height]).toEqual([original.height, original.width]);
    expect([item.width, item.height]).toEqual([original.height, original.width]);
    expect(item.imageHash).toBe(createHash("sha256").update(bytes).digest("hex"));
    const etag = served.headers.get("etag")!;
    expect((await getImage("exif-1", { "if-none-match": etag })).status).toBe(304);
  });

  it("the same phone photo under another id is reported as a near-duplicate of the first", async () => {
    const again = await add("exif-2", tagged);
    expect(again.status).toBe(201);
    const body = (await again.json()) as { duplicates: { id: string; score: number }[]; item: { imageHash: string } };
    expect(body.duplicates[0]).toMatchObject({ id: "exif-1" });
    expect(body.duplicates[0]!.score).toBeGreaterThan(0.99);
    // Re-encoding is deterministic: the same upload gives the same stored photo.
    const first = (await getSearchRuntime()).service.getItem("exif-1")!;
    expect(body.item.imageHash).toBe(first.imageHash);
  });
});

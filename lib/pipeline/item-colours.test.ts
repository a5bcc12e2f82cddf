import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { colourDescriptorDim, defaultColourDescriptor } from "../colour/colour-descriptor";
import { loadItemColours } from "./item-colours";

let dir: string;
const items: CatalogItem[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "item-colours-"));
  await fs.mkdir(path.join(dir, "catalog", "images"), { recursive: true });
  const colours: [number, number, number][] = [[200, 30, 30], [30, 160, 60], [20, 40, 180], [230, 200, 20]];
  for (const [i, colour] of colours.entries()) {
    const pixels = Buffer.alloc(60 * 80 * 3, 255);
    for (let y = 15; y < 65; y++) for (let x = 12; x < 48; x++) pixels.set(colour, (y * 60 + x) * 3);
    const item = { id: String(i + 1), imageHash: `c${i}`, imageExt: "jpg" } as CatalogItem;
    await fs.writeFile(imagePathFor(path.join(dir, "catalog"), item), await sharp(pixels, { raw: { width: 60, height: 80, channels: 3 } }).jpeg().toBuffer());
    items.push(item);
  }
  // A photo that cannot be read keeps a zero row.
  items.push({ id: "9", imageHash: "missing", imageExt: "jpg" } as CatalogItem);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("loadItemColours", () => {
  it("describes the same colours on worker threads as on this one, counts unreadable photos and caches the rest", async () => {
    const dim = colourDescriptorDim(defaultColourDescriptor);
    const run = (cache: string, workers: number) =>
      loadItemColours({ cacheDir: path.join(dir, cache), catalogDir: path.join(dir, "catalog"), maxPixels: 1_000_000, workers }, defaultColourDescriptor, items);
    const written: string[] = [];
    const here = await loadItemColours(
      { cacheDir: path.join(dir, "cache-a"), catalogDir: path.join(dir, "catalog"), maxPixels: 1_000_000, workers: 0, progress: { write: (t: string) => written.push(t) } },
      defaultColourDescriptor,
      items,
    );
    expect(written.join("")).toMatch(/colours done: 5\/5/);
    const threaded = await run("cache-b", 2);
    expect(here).toMatchObject({ computed: 4, failed: 1 });
    expect(threaded).toMatchObject({ computed: 4, failed: 1 });
    expect(Array.from(threaded.colours)).toEqual(Array.from(here.colours));
    // Four different colours, four different rows; the unreadable one is zeros.
    const rows = Array.from({ length: 5 }, (_, r) => Array.from(here.colours.subarray(r * dim, (r + 1) * dim)).join());
    expect(new Set(rows.slice(0, 4)).size).toBe(4);
    expect(rows[4]).toBe(Array(dim).fill(0).join());
    const again = await run("cache-b", 2);
    expect(again).toMatchObject({ computed: 0, failed: 1 }); // only the unreadable one is tried again
    expect(Array.from(again.colours)).toEqual(Array.from(here.colours));
  }, 60_000);
});

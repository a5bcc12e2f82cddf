import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { composeProductScenes, loadSceneBackgrounds } from "./scene-composites";

let dir: string;
const items: CatalogItem[] = [];

/** A 60×80 studio photo: white, with a coloured block (or nothing, for the one to skip). */
async function studioPhoto(colour: [number, number, number] | null): Promise<Buffer> {
  const pixels = Buffer.alloc(60 * 80 * 3, 255);
  if (colour) {
    for (let y = 15; y < 65; y++) for (let x = 12; x < 48; x++) pixels.set(colour, (y * 60 + x) * 3);
  }
  return sharp(pixels, { raw: { width: 60, height: 80, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "scene-composites-"));
  await fs.mkdir(path.join(dir, "images"), { recursive: true });
  const colours: ([number, number, number] | null)[] = [[200, 30, 30], [30, 160, 60], null, [20, 40, 180], [230, 200, 20], [90, 60, 40]];
  for (const [i, colour] of colours.entries()) {
    const item = { id: String(i + 1), imageHash: `h${i}`, imageExt: "jpg", label: "Tshirts" } as CatalogItem;
    await fs.writeFile(imagePathFor(dir, item), await studioPhoto(colour));
    items.push(item);
  }
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function compose(workers: number) {
  const scenes: { id: string; i: number; kind: string; bytes: Buffer }[] = [];
  const { skipped } = await composeProductScenes(dir, items, await loadSceneBackgrounds("dev"), 77, 1_000_000, async ({ item, bytes, kind }, i) => {
    // A slow consumer: delivery must still be in order, one at a time.
    await new Promise((r) => setTimeout(r, 5));
    scenes.push({ id: item.id, i, kind, bytes });
  }, { workers });
  return { scenes, skipped };
}

describe("composeProductScenes", () => {
  it("gives the same photos in the same order on worker threads as on this one, skipping what has nothing to cut out", async () => {
    const here = await compose(0);
    const threaded = await compose(2);
    expect(here.skipped).toBe(1);
    expect(here.scenes.map((s) => s.id)).toEqual(["1", "2", "4", "5", "6"]);
    expect(here.scenes.map((s) => s.i)).toEqual([0, 1, 3, 4, 5]);
    expect(threaded.skipped).toBe(here.skipped);
    expect(threaded.scenes.map((s) => [s.id, s.i, s.kind])).toEqual(here.scenes.map((s) => [s.id, s.i, s.kind]));
    threaded.scenes.forEach((s, n) => expect(s.bytes.equals(here.scenes[n]!.bytes), `scene ${s.id}`).toBe(true));
    // Real photos, not empty buffers: JPEG, 640×480 or 480×640.
    const meta = await sharp(threaded.scenes[0]!.bytes).metadata();
    expect(meta.format).toBe("jpeg");
    expect([meta.width, meta.height].sort()).toEqual([480, 640]);
  }, 60_000);

  it("reports a product photo that cannot be read, from a worker as from this thread", async () => {
    const broken = [...items, { id: "99", imageHash: "missing", imageExt: "jpg", label: "Tshirts" } as CatalogItem];
    const scenes = await loadSceneBackgrounds("dev");
    const run = (workers: number) => composeProductScenes(dir, broken, scenes, 1, 1_000_000, () => {}, { workers });
    await expect(run(0)).rejects.toThrow(/ENOENT/);
    await expect(run(2)).rejects.toThrow(/Scene composite 6: .*ENOENT/);
  }, 60_000);
});

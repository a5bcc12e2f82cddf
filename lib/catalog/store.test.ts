import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { catalogFiles, contentTypeFor, hasCatalog, imagePathFor, readCatalog, storeImage, writeCatalog } from "./store";
import type { CatalogItem, CatalogManifest } from "./types";

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "catalog-store-"));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const bytes = Buffer.from("pretend jpeg bytes");
const hash = createHash("sha256").update(bytes).digest("hex");

function makeItem(id: string, split: CatalogItem["split"] = "train"): CatalogItem {
  return {
    id,
    gender: "Men",
    masterCategory: "Apparel",
    subCategory: "Topwear",
    articleType: "Tshirts",
    baseColour: "",
    season: "Summer",
    year: "2011",
    usage: "Casual",
    productDisplayName: `Shirt ${id}`,
    imageHash: hash,
    imageExt: "jpg",
    width: 60,
    height: 80,
    label: "Tshirts",
    split,
  };
}

function makeManifest(itemCount: number): CatalogManifest {
  return {
    version: 1,
    createdAt: "2024-01-01T00:00:00.000Z",
    source: { images: "/data/images.tar", csv: "/data/styles.csv" },
    labelColumn: "articleType",
    minPerLabel: 100,
    seed: 42,
    itemCount,
    labels: [{ label: "Tshirts", count: itemCount }],
  };
}

describe("catalog store", () => {
  it("round-trips a catalog and marks it complete only once catalog.json is written", async () => {
    expect(await hasCatalog(dir)).toBe(false);
    const items = [makeItem("1"), makeItem("2", "excluded")];
    await writeCatalog(dir, makeManifest(2), items);
    expect(await hasCatalog(dir)).toBe(true);
    const catalog = await readCatalog(dir);
    expect(catalog.items).toEqual(items);
    expect(catalog.manifest).toEqual(makeManifest(2));
    expect((await fs.readdir(dir)).sort()).toEqual([catalogFiles.manifest, catalogFiles.items].sort());
  });

  it("says not_ready when there is no catalog", async () => {
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "not_ready" });
    await fs.writeFile(path.join(dir, catalogFiles.items), "[]");
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "not_ready" });
  });

  it("rejects inconsistent or invalid content", async () => {
    await writeCatalog(dir, makeManifest(1), [makeItem("1")]);
    await fs.writeFile(path.join(dir, catalogFiles.items), JSON.stringify([makeItem("1"), makeItem("2")]));
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/2 items/) });
    await fs.writeFile(path.join(dir, catalogFiles.items), JSON.stringify([{ ...makeItem("1"), imageHash: "nope" }]));
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "internal" });
    await expect(writeCatalog(dir, makeManifest(3), [makeItem("1")])).rejects.toThrow(/itemCount/);
  });

  it("leaves the old catalog alone on invalid input", async () => {
    await writeCatalog(dir, makeManifest(1), [makeItem("1")]);
    await expect(writeCatalog(dir, makeManifest(1), [{ ...makeItem("2"), width: -1 }])).rejects.toThrow();
    expect((await readCatalog(dir)).items.map((i) => i.id)).toEqual(["1"]);
  });

  it("drops the old catalog.json before replacing the items", async () => {
    await writeCatalog(dir, makeManifest(1), [makeItem("1")]);
    // A directory in the way makes the items write fail: the old manifest must already be gone.
    await fs.rm(path.join(dir, catalogFiles.items));
    await fs.mkdir(path.join(dir, catalogFiles.items, "blocker"), { recursive: true });
    await expect(writeCatalog(dir, makeManifest(1), [makeItem("9")])).rejects.toThrow();
    expect(await hasCatalog(dir)).toBe(false);
  });

  it("stores images content-addressed, once, and repairs a torn file", async () => {
    const item = makeItem("1");
    const file = imagePathFor(dir, item);
    expect(file).toBe(path.resolve(dir, "images", `${hash}.jpg`));
    expect(contentTypeFor(item)).toBe("image/jpeg");
    expect(await storeImage(dir, item, bytes)).toBe(true);
    expect(await storeImage(dir, item, bytes)).toBe(false);
    expect(await fs.readFile(file)).toEqual(bytes);
    await fs.writeFile(file, bytes.subarray(0, 4));
    expect(await storeImage(dir, item, bytes)).toBe(true);
    expect(await fs.readFile(file)).toEqual(bytes);
    expect(await fs.readdir(path.join(dir, "images"))).toEqual([`${hash}.jpg`]);
  });
});

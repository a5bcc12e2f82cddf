import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generationFiles } from "./generations";
import { indexPathFor } from "./index-path";
import {
  catalogFiles,
  catalogGenerationDir,
  contentTypeFor,
  hasCatalog,
  hasCatalogSync,
  imagePathFor,
  publishCatalog,
  readCatalog,
  storeImage,
} from "./store";
import type { CatalogItem, CatalogManifest } from "./types";

// Lets a test hand readCatalog a stale CURRENT once, as if a publish raced the read.
const staleCurrent = vi.hoisted(() => ({ value: undefined as string | undefined }));
vi.mock("./generations", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./generations")>();
  return {
    ...actual,
    readCurrentGeneration: async (catalogDir: string) => {
      const stale = staleCurrent.value;
      staleCurrent.value = undefined;
      return stale ?? actual.readCurrentGeneration(catalogDir);
    },
  };
});

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
  it("round-trips a catalog and marks it complete only once CURRENT names its generation", async () => {
    expect(await hasCatalog(dir)).toBe(false);
    expect(await catalogGenerationDir(dir)).toBeNull();
    expect(hasCatalogSync(dir)).toBe(false);
    const items = [makeItem("1"), makeItem("2", "excluded")];
    await publishCatalog(dir, makeManifest(2), items);
    expect(await hasCatalog(dir)).toBe(true);
    expect(hasCatalogSync(dir)).toBe(true);
    const catalog = await readCatalog(dir);
    expect(catalog.items).toEqual(items);
    expect(catalog.manifest).toEqual(makeManifest(2));
    expect(catalog.generationDir).toBe(path.join(dir, "generations", catalog.generation!));
    expect(await catalogGenerationDir(dir)).toBe(catalog.generationDir);
    expect((await fs.readdir(dir)).sort()).toEqual([generationFiles.current, generationFiles.generations].sort());
    expect((await fs.readdir(catalog.generationDir)).sort()).toEqual([catalogFiles.manifest, catalogFiles.items].sort());
    expect((await fs.readFile(path.join(dir, "CURRENT"), "utf8")).trim()).toBe(catalog.generation);
  });

  it("says not_ready when there is no catalog", async () => {
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "not_ready" });
    await fs.writeFile(path.join(dir, catalogFiles.items), "[]");
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "not_ready" });
  });

  it("rejects inconsistent or invalid content", async () => {
    await publishCatalog(dir, makeManifest(1), [makeItem("1")]);
    const { generationDir } = await readCatalog(dir);
    await fs.writeFile(path.join(generationDir, catalogFiles.items), JSON.stringify([makeItem("1"), makeItem("2")]));
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/2 items/) });
    await fs.writeFile(path.join(generationDir, catalogFiles.items), JSON.stringify([{ ...makeItem("1"), imageHash: "nope" }]));
    await expect(readCatalog(dir)).rejects.toMatchObject({ code: "internal" });
    await expect(publishCatalog(dir, makeManifest(3), [makeItem("1")])).rejects.toThrow(/itemCount/);
  });

  it("refuses a CURRENT that names no valid generation (no path escapes through it)", async () => {
    await publishCatalog(dir, makeManifest(1), [makeItem("1")]);
    for (const bad of ["../../etc", "g-1/../..", "", "nonsense"]) {
      await fs.writeFile(path.join(dir, "CURRENT"), bad);
      await expect(readCatalog(dir)).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/CURRENT/) });
      expect(() => indexPathFor(dir, "abc")).toThrow(/CURRENT/);
    }
  });

  it("leaves the old catalog alone on invalid input", async () => {
    await publishCatalog(dir, makeManifest(1), [makeItem("1")]);
    await expect(publishCatalog(dir, makeManifest(1), [{ ...makeItem("2"), width: -1 }])).rejects.toThrow();
    expect((await readCatalog(dir)).items.map((i) => i.id)).toEqual(["1"]);
  });

  it("keeps serving the previous generation when a publish fails half-way, and cleans up after it", async () => {
    await publishCatalog(dir, makeManifest(1), [makeItem("1")], { report: { n: 1 } });
    const served = await readCatalog(dir);
    const failing = { modelId: "abc", save: async (file: string) => {
      await fs.writeFile(file, "half an index");
      throw new Error("disk full");
    } };
    await expect(publishCatalog(dir, makeManifest(1), [makeItem("9")], { indexes: [failing] })).rejects.toThrow(/disk full/);
    const after = await readCatalog(dir);
    expect(after.generation).toBe(served.generation);
    expect(after.items.map((i) => i.id)).toEqual(["1"]);
    expect(await fs.readdir(path.join(dir, "generations"))).toEqual([served.generation]);
  });

  it("publishes indexes and report with the items, keeps the previous generation and prunes older ones", async () => {
    const saveIndex = (text: string) => ({ modelId: "abc", save: (file: string) => fs.writeFile(file, text) });
    const generations: string[] = [];
    for (const n of [1, 2, 3]) {
      const ids = Array.from({ length: n }, (_, i) => String(i + 1));
      const { generation, generationDir } = await publishCatalog(dir, makeManifest(n), ids.map((id) => makeItem(id)), {
        indexes: [saveIndex(`index ${n}`)],
        report: { n },
      });
      generations.push(generation);
      expect((await readCatalog(dir)).items).toHaveLength(n);
      expect(indexPathFor(dir, "abc")).toBe(path.join(generationDir, "index-abc.bin"));
      expect(await fs.readFile(indexPathFor(dir, "abc"), "utf8")).toBe(`index ${n}`);
      expect(JSON.parse(await fs.readFile(path.join(generationDir, catalogFiles.report), "utf8"))).toEqual({ n });
    }
    expect((await fs.readdir(path.join(dir, "generations"))).sort()).toEqual(generations.slice(1).sort());
  });

  it("reads the legacy layout, keeps it as the previous catalog, and drops it one publish later", async () => {
    // The legacy layout: the generation's files at the top of the catalog directory.
    await fs.writeFile(path.join(dir, catalogFiles.manifest), JSON.stringify(makeManifest(1)));
    await fs.writeFile(path.join(dir, catalogFiles.items), JSON.stringify([makeItem("1")]));
    await fs.writeFile(path.join(dir, "index-abc.bin"), "legacy index");
    const legacy = await readCatalog(dir);
    expect(legacy).toMatchObject({ generation: null, generationDir: dir });
    expect(hasCatalogSync(dir)).toBe(true);
    expect(await catalogGenerationDir(dir)).toBe(dir);
    expect(indexPathFor(dir, "abc")).toBe(path.join(dir, "index-abc.bin"));

    await publishCatalog(dir, makeManifest(2), [makeItem("1"), makeItem("2")]);
    expect((await readCatalog(dir)).items).toHaveLength(2);
    expect(await fs.readFile(path.join(dir, "index-abc.bin"), "utf8")).toBe("legacy index");
    await publishCatalog(dir, makeManifest(1), [makeItem("3")]);
    expect((await readCatalog(dir)).items.map((i) => i.id)).toEqual(["3"]);
    expect((await fs.readdir(dir)).sort()).toEqual([generationFiles.current, generationFiles.generations].sort());
  });

  it("reads the generation CURRENT names now when the one it read first was pruned meanwhile", async () => {
    const first = await publishCatalog(dir, makeManifest(1), [makeItem("1")]);
    await publishCatalog(dir, makeManifest(1), [makeItem("2")]);
    await publishCatalog(dir, makeManifest(1), [makeItem("3")]);
    staleCurrent.value = first.generation; // pruned two publishes ago
    expect((await readCatalog(dir)).items.map((i) => i.id)).toEqual(["3"]);
  });

  it("prunes generations left by dead writers but spares one a live process is still writing", async () => {
    const root = path.join(dir, "generations");
    const dead = `g-00000000000001-999999999-00000000`; // pid beyond pid_max: no such process
    const live = `g-00000000000002-${process.ppid}-00000000`;
    await fs.mkdir(path.join(root, dead), { recursive: true });
    await fs.mkdir(path.join(root, live), { recursive: true });
    await publishCatalog(dir, makeManifest(1), [makeItem("1")]);
    const { generation } = await readCatalog(dir);
    expect((await fs.readdir(root)).sort()).toEqual([live, generation!].sort());
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

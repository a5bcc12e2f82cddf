import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractSubset, hasDataset, type Subset } from "../../tests/helpers/dataset";
import { formatIngestReport, ingestCatalog, type IngestResult } from "./ingest";
import type { Tally } from "./ingest-report";
import { catalogFiles, imagePathFor, readCatalog } from "./store";

// Real rows of the shared data set, each showing one defect class.
const known = {
  greyscale: "10705", // Watches, 1-channel JPEG
  square: "1799", // Track Pants, 60x60 (its label is too rare here: excluded)
  narrow: "25299", // Handbags, 53x80
  recoveredName: "3413", // Tshirts, unquoted commas in the name
  emptyFields: "53781", // Tshirts, empty season and year
  duplicatePair: ["9457", "9458"], // Shirts, byte-identical
  duplicateTriple: ["40145", "42001", "42002"], // Capris, byte-identical
  noImage: "12347",
};

// Deliberately broken or odd files added next to the real ones.
const made = {
  truncated: "990000001",
  text: "990000002",
  alphaPng: "990000003",
  grey: "990000004",
  duplicate: "990000005",
  rowOnly: "990000006",
  imageOnly: "990000007",
  cmyk: "990000008",
  pngNamedJpg: "990000009",
  emptyLabel: "990000010",
  blank: "990000011",
};

const ids = (tally: Tally) => tally.examples.map((e) => e.id);

describe.skipIf(!hasDataset())("ingestCatalog on real data", () => {
  let subset: Subset;
  let catalogDir: string;
  let result: IngestResult;
  let duplicatedSource: string;

  beforeAll(async () => {
    subset = await extractSubset({
      perLabel: 12,
      labels: ["Tshirts", "Shirts", "Watches", "Handbags"],
      extra: [known.greyscale, known.square, known.narrow, known.recoveredName, known.emptyFields, ...known.duplicatePair, ...known.duplicateTriple, known.noImage],
    });
    const image = (id: string) => path.join(subset.imagesDir, `${id}.jpg`);
    const base = subset.ids.find((id) => subset.labels[id] === "Tshirts") as string;
    const baseBytes = await fs.readFile(image(base));
    duplicatedSource = base;
    await fs.writeFile(image(made.truncated), baseBytes.subarray(0, Math.floor(baseBytes.length / 2)));
    await fs.writeFile(image(made.text), "this is a text file, not a JPEG\n");
    await sharp(baseBytes).ensureAlpha(0.5).png().toFile(path.join(subset.imagesDir, `${made.alphaPng}.png`));
    await sharp(baseBytes).toColourspace("b-w").jpeg().toFile(image(made.grey));
    await fs.writeFile(image(made.duplicate), baseBytes);
    await sharp(baseBytes).flop().jpeg().toFile(image(made.imageOnly));
    await sharp(baseBytes).toColourspace("cmyk").jpeg().toFile(image(made.cmyk));
    await fs.writeFile(image(made.pngNamedJpg), await sharp(baseBytes).flip().png().toBuffer());
    await sharp(baseBytes).negate().jpeg().toFile(image(made.emptyLabel));
    await sharp({ create: { width: 60, height: 80, channels: 3, background: "#ffffff" } }).jpeg().toFile(image(made.blank));
    const row = (id: string, label: string, name: string) => `${id},Men,Apparel,Topwear,${label},White,Summer,2011,Casual,${name}`;
    const rows = [
      row(made.truncated, "Tshirts", "Truncated"),
      row(made.text, "Tshirts", "Text file"),
      row(made.alphaPng, "Watches", "Alpha PNG"),
      row(made.grey, "Tshirts", "Greyscale"),
      row(made.duplicate, "Tshirts", "Duplicate"),
      row(made.rowOnly, "Tshirts", "Row only"),
      row(made.cmyk, "Handbags", "CMYK"),
      row(made.pngNamedJpg, "Shirts", "PNG named jpg"),
      row(made.emptyLabel, "", "No label"),
      row(made.blank, "Tshirts", "Blank white photo"),
    ];
    await fs.appendFile(subset.csvPath, `${rows.join("\n")}\n`);
    catalogDir = path.join(subset.dir, "catalog");
    result = await ingestCatalog({ images: subset.imagesDir, csv: subset.csvPath, catalogDir, minPerLabel: 10 });
  });

  afterAll(async () => {
    await subset?.cleanup();
  });

  it("excludes unreadable images and reports why", () => {
    const { unreadable } = result.report.images;
    expect(ids(unreadable)).toEqual([made.truncated, made.text]);
    expect(unreadable.examples[0]?.detail).toMatch(/cannot decode/);
    expect(unreadable.examples[1]?.detail).toMatch(/not a JPEG, PNG, GIF or WebP/);
    const itemIds = new Set(result.items.map((i) => i.id));
    expect(itemIds.has(made.truncated) || itemIds.has(made.text)).toBe(false);
  });

  it("keeps greyscale, CMYK, alpha and mislabelled images and counts them", () => {
    const { images } = result.report;
    // The subset holds a few more 1-channel photos of its own.
    expect(ids(images.greyscale)).toEqual(expect.arrayContaining([known.greyscale, made.grey]));
    expect(ids(images.cmyk)).toEqual([made.cmyk]);
    expect(ids(images.alpha)).toEqual([made.alphaPng]);
    expect(ids(images.extensionMismatch)).toEqual([made.pngNamedJpg]);
    const byId = new Map(result.items.map((i) => [i.id, i]));
    expect(byId.get(made.alphaPng)?.imageExt).toBe("png");
    expect(byId.get(made.pngNamedJpg)?.imageExt).toBe("png");
    expect(byId.get(made.cmyk)?.imageExt).toBe("jpg");
  });

  it("flags a blank photo on its record and in the report, and no real photo", () => {
    expect(ids(result.report.images.blank!)).toEqual([made.blank]);
    expect(result.items.filter((i) => i.blank).map((i) => i.id)).toEqual([made.blank]);
  });

  it("counts sizes against the dominant 60x80", () => {
    const { sizes } = result.report.images;
    expect(sizes.dominant).toBe("60x80");
    expect(sizes.other.examples).toEqual([
      { id: known.square, detail: "60x60" },
      { id: known.narrow, detail: "53x80" },
    ]);
    expect(result.items.find((i) => i.id === known.narrow)).toMatchObject({ width: 53, height: 80 });
  });

  it("reports byte-identical duplicates, stores them once and keeps each group in one split", async () => {
    const { duplicates, filesStored } = result.report.images;
    expect(duplicates.groups).toBe(3);
    expect(duplicates.redundantImages).toBe(4);
    expect(duplicates.crossLabelGroups).toBe(0);
    const groups = duplicates.examples.map((e) => e.detail);
    expect(groups).toEqual(expect.arrayContaining([known.duplicatePair.join(", "), known.duplicateTriple.join(", "), `${duplicatedSource}, ${made.duplicate}`]));
    expect(filesStored).toBe(result.items.length - 4);
    expect(await fs.readdir(path.join(catalogDir, "images"))).toHaveLength(filesStored);
    const splitOf = (id: string) => result.items.find((i) => i.id === id)?.split;
    expect(splitOf(known.duplicatePair[0]!)).toBe(splitOf(known.duplicatePair[1]!));
    expect(splitOf(duplicatedSource)).toBe(splitOf(made.duplicate));
  });

  it("reports rows without an image and images without a row", () => {
    expect(ids(result.report.rowsWithoutImage)).toEqual([known.noImage, made.rowOnly]);
    expect(ids(result.report.images.withoutRow)).toEqual([made.imageOnly]);
  });

  it("reports CSV defects: recovered names and empty fields", () => {
    const { csv } = result.report;
    expect(ids(csv.recoveredNames)).toEqual([known.recoveredName]);
    expect(result.items.find((i) => i.id === known.recoveredName)?.productDisplayName).toBe("Myntra Men's Yes, its all about me White T-shirt");
    expect(csv.emptyFields).toEqual({ season: 1, year: 1, articleType: 1 });
    expect(ids(csv.rowsWithEmptyFields)).toEqual([known.emptyFields, made.emptyLabel]);
  });

  it("splits labels that reach the threshold and keeps the others servable as excluded", () => {
    const { labels, splits } = result.report;
    expect(labels.kept.map((l) => l.label).sort()).toEqual(["Handbags", "Shirts", "Tshirts", "Watches"]);
    expect(labels.dropped).toEqual([
      { label: "Capris", count: 3 },
      { label: "Track Pants", count: 1 },
    ]);
    expect(ids(labels.emptyLabel)).toEqual([made.emptyLabel]);
    for (const id of [...known.duplicateTriple, known.square, made.emptyLabel]) {
      expect(result.items.find((i) => i.id === id)?.split).toBe("excluded");
    }
    expect(splits.excluded).toBe(5);
    for (const { label } of labels.kept) {
      const mine = result.items.filter((i) => i.label === label);
      for (const split of ["train", "val", "test"] as const) expect(mine.some((i) => i.split === split)).toBe(true);
    }
    expect(result.manifest.labels.map((l) => l.label)).toEqual(["Handbags", "Shirts", "Tshirts", "Watches"]);
  });

  it("writes a catalog that reads back, with every image stored byte-for-byte", async () => {
    const catalog = await readCatalog(catalogDir);
    expect(catalog.items).toEqual(result.items);
    expect(catalog.manifest.itemCount).toBe(result.items.length);
    const expectedIds = [...subset.ids, made.alphaPng, made.grey, made.duplicate, made.cmyk, made.pngNamedJpg, made.emptyLabel, made.blank];
    expect(catalog.items.map((i) => i.id).sort()).toEqual([...new Set(expectedIds)].sort());
    for (const item of catalog.items) {
      const stored = await fs.readFile(imagePathFor(catalogDir, item));
      expect(createHash("sha256").update(stored).digest("hex")).toBe(item.imageHash);
      const ext = item.id === made.alphaPng ? "png" : "jpg";
      expect(stored.equals(await fs.readFile(path.join(subset.imagesDir, `${item.id}.${ext}`)))).toBe(true);
      expect(item.label).toBe(item.articleType);
    }
    const report = JSON.parse(await fs.readFile(path.join(catalog.generationDir, catalogFiles.report), "utf8"));
    expect(report.itemCount).toBe(result.items.length);
  });

  it("gives identical items.json on a rerun, writing no image again, and from a tar of the same files", async () => {
    const itemsFile = async (dir: string) => path.join((await readCatalog(dir)).generationDir, catalogFiles.items);
    const before = await fs.readFile(await itemsFile(catalogDir));
    const rerun = await ingestCatalog({ images: subset.imagesDir, csv: subset.csvPath, catalogDir, minPerLabel: 10 });
    expect(rerun.report.images.filesWritten).toBe(0);
    expect((await fs.readFile(await itemsFile(catalogDir))).equals(before)).toBe(true);

    const tarFile = path.join(subset.dir, "images.tar");
    const names = (await fs.readdir(subset.imagesDir)).reverse();
    await createTar({ file: tarFile, cwd: subset.imagesDir, portable: true }, names);
    const fromTar = path.join(subset.dir, "catalog-from-tar");
    await ingestCatalog({ images: tarFile, csv: subset.csvPath, catalogDir: fromTar, minPerLabel: 10 });
    expect((await fs.readFile(await itemsFile(fromTar))).equals(before)).toBe(true);
  });

  it("takes any CSV column as the label and refuses one that does not exist", async () => {
    const dir = path.join(subset.dir, "catalog-by-subcategory");
    const bySub = await ingestCatalog({ images: subset.imagesDir, csv: subset.csvPath, catalogDir: dir, labelColumn: "subCategory", minPerLabel: 5 });
    for (const item of bySub.items) expect(item.label).toBe(item.subCategory);
    expect(bySub.manifest.labelColumn).toBe("subCategory");
    await expect(
      ingestCatalog({ images: subset.imagesDir, csv: subset.csvPath, catalogDir: dir, labelColumn: "brand" }),
    ).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/"brand" is not in the CSV/) });
  });

  it("formats a readable summary naming every defect class", () => {
    const text = formatIngestReport(result.report);
    for (const phrase of ["recovered names", "rows without an image", "images without a row", "unreadable images", "greyscale", "CMYK", "alpha", "sizes: 60x80", "byte-identical duplicates: 3 groups", "dropped: Capris 3, Track Pants 1"]) {
      expect(text).toContain(phrase);
    }
  });
});

describe("ingestCatalog limits", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "ingest-limits-"));
    await fs.mkdir(path.join(dir, "images"));
    const photo = (width: number, height: number) =>
      sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } }).jpeg();
    await photo(60, 80).toFile(path.join(dir, "images", "1.jpg"));
    await photo(2200, 2000).toFile(path.join(dir, "images", "2.jpg"));
    const header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName";
    await fs.writeFile(path.join(dir, "styles.csv"), `${header}\n1,Men,A,B,Tshirts,Red,Fall,2011,Casual,Small\n2,Men,A,B,Tshirts,Red,Fall,2011,Casual,Large\n`);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const run = (maxPixels: number, catalog: string) =>
    ingestCatalog({ images: path.join(dir, "images"), csv: path.join(dir, "styles.csv"), catalogDir: path.join(dir, catalog), minPerLabel: 1, maxPixels });

  it("decodes a large photo (streamed check) under the pixel limit", async () => {
    const { items } = await run(50_000_000, "big-ok");
    expect(items.map((i) => [i.id, i.width, i.height])).toEqual([["1", 60, 80], ["2", 2200, 2000]]);
  });

  it("refuses a photo over the pixel limit as unreadable", async () => {
    const { items, report } = await run(1_000_000, "big-refused");
    expect(items.map((i) => i.id)).toEqual(["1"]);
    expect(report.images.unreadable.examples).toEqual([{ id: "2", detail: expect.stringMatching(/pixel limit/) }]);
  });

  it("validates its options", async () => {
    await expect(run(0, "bad")).rejects.toMatchObject({ code: "bad_request" });
  });
});

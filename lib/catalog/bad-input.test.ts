import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestCatalog } from "./ingest";
import { readCatalog } from "./store";

// The catalog-build half of the bad-input battery (docs/robustness.md): a bad source
// is refused or reported item by item, and a served catalog in the target directory is
// never touched by a failed build. csv.test.ts and image-source.test.ts cover the parsers.

const header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName";
const row = (id: string, name = `Shirt ${id}`) => `${id},Men,Apparel,Topwear,Tshirts,Red,Fall,2011,Casual,${name}`;

describe("catalog build on bad input", () => {
  let dir: string;
  let images: string;
  let csv: string;
  let catalogDir: string;
  let served: { generation: string | null; files: Record<string, string> };

  /** sha256 of every file under the catalog directory. */
  async function snapshot(root: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(root, file)] = createHash("sha256").update(await fs.readFile(file)).digest("hex");
    }
    return out;
  }

  const ingest = (overrides: Partial<Parameters<typeof ingestCatalog>[0]> = {}) =>
    ingestCatalog({ images, csv, catalogDir, minPerLabel: 1, ...overrides });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "catalog-bad-input-"));
    images = path.join(dir, "images");
    await fs.mkdir(images);
    for (const [id, colour] of [["1", "#c03"], ["2", "#36c"], ["3", "#3c6"]] as const) {
      await sharp({ create: { width: 60, height: 80, channels: 3, background: colour } }).jpeg().toFile(path.join(images, `${id}.jpg`));
    }
    csv = path.join(dir, "styles.csv");
    await fs.writeFile(csv, `${[header, row("1"), row("2"), row("3")].join("\n")}\n`);
    catalogDir = path.join(dir, "catalog");
    await ingest();
    served = { generation: (await readCatalog(catalogDir)).generation, files: await snapshot(catalogDir) };
  });

  afterAll(async () => {
    // Whatever was thrown at it, the served catalog is byte-for-byte the one built first.
    expect((await readCatalog(catalogDir)).generation).toBe(served.generation);
    expect(await snapshot(catalogDir)).toEqual(served.files);
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function writeCsv(name: string, text: string | Uint8Array): Promise<string> {
    const file = path.join(dir, name);
    await fs.writeFile(file, text);
    return file;
  }

  it("400: a CSV with only its header (no products)", async () => {
    const file = await writeCsv("header-only.csv", `${header}\n`);
    await expect(ingest({ csv: file })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("400: a photo passed as the CSV", async () => {
    await expect(ingest({ csv: path.join(images, "1.jpg") })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("404: a CSV path that is a directory, or missing", async () => {
    await expect(ingest({ csv: images })).rejects.toMatchObject({ code: "not_found" });
    await expect(ingest({ csv: path.join(dir, "nope.csv") })).rejects.toMatchObject({ code: "not_found" });
  });

  it("400: a CSV missing required columns names them", async () => {
    const file = await writeCsv("no-type.csv", "id,gender,productDisplayName\n1,Men,Shirt\n");
    await expect(ingest({ csv: file })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/articleType/) });
  });

  it("400: an image source with no image that matches a row", async () => {
    const empty = path.join(dir, "no-images");
    await fs.mkdir(empty, { recursive: true });
    await fs.writeFile(path.join(empty, "readme.txt"), "not a photo");
    await expect(ingest({ images: empty })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("400: every image corrupt (nothing to build from)", async () => {
    const broken = path.join(dir, "broken");
    await fs.mkdir(broken, { recursive: true });
    for (const id of ["1", "2", "3"]) await fs.writeFile(path.join(broken, `${id}.jpg`), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    await expect(ingest({ images: broken })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("keeps Latin-1 bytes in a name readable and reports nothing lost", async () => {
    const latin1 = Buffer.concat([Buffer.from(`${header}\n${row("1", "Caf")}`), Buffer.from([0xe9]), Buffer.from(` shirt\n${row("2")}\n`)]);
    const file = await writeCsv("latin1.csv", latin1);
    const other = path.join(dir, "catalog-latin1");
    const { items } = await ingest({ csv: file, catalogDir: other });
    expect(items.map((i) => i.id)).toEqual(["1", "2"]);
    expect(items[0]!.productDisplayName).toMatch(/^Caf. shirt$/);
  });

  it("builds from a CSV with a BOM, CRLF endings, a quoted newline and a duplicate id", async () => {
    const text = `\ufeff${header}\r\n${row("1")}\r\n2,Men,Apparel,Topwear,Tshirts,Red,Fall,2011,Casual,"Two\r\nlines"\r\n${row("1", "again")}\r\n`;
    const file = await writeCsv("messy.csv", text);
    const other = path.join(dir, "catalog-messy");
    const { items, report } = await ingest({ csv: file, catalogDir: other });
    expect(items.map((i) => i.id)).toEqual(["1", "2"]);
    expect(items[0]!.productDisplayName).toBe("Shirt 1");
    expect(items[1]!.productDisplayName).toMatch(/^Two\r?\nlines$/);
    expect(JSON.stringify(report.csv)).toMatch(/duplicate/i);
  });
});

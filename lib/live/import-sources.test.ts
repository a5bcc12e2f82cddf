import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagesFromSpooledFiles, readSpooledCsv } from "./import-sources";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "import-sources-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function spool(name: string, bytes: string | Uint8Array, index: number) {
  const file = path.join(dir, `part-${index}`);
  await fs.writeFile(file, bytes);
  return { name, path: file };
}

describe("imagesFromSpooledFiles", () => {
  it("reads photo files one by one by their base name, and reports one over maxEntryBytes unread", async () => {
    const files = [await spool("../../1163.jpg", "small", 0), await spool("big.jpg", "x".repeat(2000), 1), await spool("C:\\photos\\7.png", "png", 2)];
    const issues: { path: string; kind: string }[] = [];
    const images = [];
    for await (const image of imagesFromSpooledFiles(files, (issue) => issues.push(issue), { maxEntryBytes: 1000 })) images.push([image.id, image.name, Buffer.from(image.bytes).toString()]);
    expect(images).toEqual([["1163", "1163.jpg", "small"], ["7", "7.png", "png"]]);
    expect(issues).toEqual([expect.objectContaining({ path: "big.jpg", kind: "too_large" })]);
  });
});

describe("readSpooledCsv", () => {
  it("reads a CSV within the limit and refuses a larger one with 413", async () => {
    const csv = await spool("styles.csv", "id,articleType\n1,Watches\n", 3);
    expect(await readSpooledCsv(csv, 1000)).toMatch(/^id,articleType/);
    await expect(readSpooledCsv(csv, 10)).rejects.toMatchObject({ code: "payload_too_large" });
  });
});

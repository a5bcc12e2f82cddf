import { promises as fs } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetPaths, extractSubset, hasDataset, type Subset } from "./dataset";

describe.skipIf(!hasDataset())("extractSubset", () => {
  let subset: Subset;

  beforeAll(async () => {
    subset = await extractSubset({ perLabel: 3, labels: ["Watches", "Tshirts"], extra: ["3413", "12347"] });
  });

  afterAll(async () => {
    await subset?.cleanup();
  });

  it("picks the first ids of each label in styles.csv order, round-robin, then the extras", async () => {
    const text = await fs.readFile(datasetPaths().stylesCsv, "utf8");
    const firstOf = (label: string) =>
      text
        .split("\n")
        .filter((line) => line.split(",")[4] === label)
        .slice(0, 3)
        .map((line) => line.slice(0, line.indexOf(",")));
    const [w, t] = [firstOf("Watches"), firstOf("Tshirts")];
    expect(subset.ids).toEqual([w[0], t[0], w[1], t[1], w[2], t[2], "3413"]);
    expect(subset.labels["3413"]).toBe("Tshirts");
    expect(subset.rowsWithoutImage).toEqual(["12347"]);
  });

  it("writes the images and the original CSV lines byte-for-byte", async () => {
    expect((await fs.readdir(subset.imagesDir)).sort()).toEqual(subset.ids.map((id) => `${id}.jpg`).sort());
    const original = (await fs.readFile(datasetPaths().stylesCsv, "utf8")).split("\n");
    const written = (await fs.readFile(subset.csvPath, "utf8")).split("\n");
    expect(written[0]).toBe(original[0]);
    expect(written.at(-1)).toBe("");
    const rows = written.slice(1, -1);
    expect(rows).toHaveLength(subset.ids.length + 1);
    for (const row of rows) expect(original).toContain(row);
    expect(rows.some((row) => row.startsWith("3413,") && row.split(",").length === 11)).toBe(true);
  });

  it("is deterministic and honours maxItems", async () => {
    const again = await extractSubset({ perLabel: 3, labels: ["Watches", "Tshirts"], maxItems: 3 });
    try {
      expect(again.ids).toEqual(subset.ids.slice(0, 3));
    } finally {
      await again.cleanup();
    }
    await expect(fs.access(again.dir)).rejects.toThrow();
  });
});

// npx tsx bench/text-search.ts [styles.csv]: the text index over the full styles.csv (decision 0016):
// build time, query time (median of repeats) and the top results of a handful of queries.
import { readFileSync } from "node:fs";
import { parseStylesCsv, toCatalogFields } from "../lib/catalog/csv";
import type { CatalogItem } from "../lib/catalog/types";
import { TextIndex } from "../lib/text/text-index";

const csv = process.argv[2] ?? "../shared/datasets/fashion-product-images-small/styles.csv";
const queries = ["shoes", "puma", "puma shoes", "red dress", "men black watch", "t-shirt", "nike sports sho", "jeans", "handbag", "women kurta", "adidas", "sunglasses"];

const rows = parseStylesCsv(readFileSync(csv, "utf8")).rows;
// Only the text fields matter here; the rest of a catalog record is filled with placeholders.
const items = rows.map((row): CatalogItem => ({
  ...toCatalogFields(row), imageHash: "0".repeat(64), imageExt: "jpg", width: 60, height: 80, label: row.articleType, split: "train",
}));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const builds: number[] = [];
let index = TextIndex.build(items);
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  index = TextIndex.build(items);
  builds.push(performance.now() - t0);
}
const heap = process.memoryUsage().heapUsed / 2 ** 20;
console.log(`${items.length} rows: build median ${median(builds).toFixed(0)} ms (${builds.map((b) => b.toFixed(0)).join(", ")}), heap ${heap.toFixed(0)} MiB`);

const edits: number[] = [];
for (let i = 0; i < 200; i++) {
  const row = (i * 211) % items.length;
  const t0 = performance.now();
  index.set(row, { ...items[row]!, productDisplayName: `${items[row]!.productDisplayName} edited` });
  edits.push(performance.now() - t0);
}
console.log(`one-row edit: median ${(median(edits) * 1000).toFixed(0)} µs`);

for (const query of queries) {
  const times: number[] = [];
  let found = index.match(query);
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    found = index.match(query);
    times.push(performance.now() - t0);
  }
  const top = found.slice(0, 3).map((m) => `${items[m.row]!.productDisplayName} [${items[m.row]!.articleType}]`);
  console.log(`"${query}": ${found.length} matches, median ${median(times).toFixed(2)} ms; top: ${top.join(" | ")}`);
}

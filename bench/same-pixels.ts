/**
 * What searching the share URL's copy of a photo (as the results page and, since issue 15,
 * POST /api/search do) costs against searching the upload itself: rank-1 self-retrieval,
 * same-articleType P@10 and the top-10 overlap of the two, for catalog photos as they are
 * and blown up to 1200×1600 with noise (a phone-sized upload), plus the time to reduce.
 * Usage: CATALOG_DIR=data/catalog-small npx tsx bench/same-pixels.ts [--limit 80]
 */
import { promises as fs } from "node:fs";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { imagePathFor } from "../lib/catalog/store";
import { loadConfig } from "../lib/config";
import { createSearchService } from "../lib/search/search-service";
import { toQueryImage } from "../lib/share/query-image";

const { values } = parseArgs({ options: { limit: { type: "string", default: "80" } } });
const config = loadConfig();
const limits = { maxPixels: config.MAX_IMAGE_PIXELS };
const service = await createSearchService(config);
const hashCounts = new Map<string, number>();
for (const { imageHash } of service.items) hashCounts.set(imageHash, (hashCounts.get(imageHash) ?? 0) + 1);
const sample = service.items.filter((item) => hashCounts.get(item.imageHash) === 1).slice(0, Number(values.limit));

async function blowUp(photo: Uint8Array, seed: number): Promise<Uint8Array> {
  const noise = Buffer.alloc(1200 * 1600 * 3);
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = 96 + (seed & 0x3f);
  }
  const layer = await sharp(noise, { raw: { width: 1200, height: 1600, channels: 3 } }).png().toBuffer();
  return new Uint8Array(await sharp(photo).resize(1200, 1600).composite([{ input: layer, blend: "soft-light" }]).jpeg({ quality: 92 }).toBuffer());
}

type Tally = { self: number; precision: number; overlap: number; reduceMs: number[] };
const tallies: Record<string, { upload: Tally; copy: Tally }> = {};
const newTally = (): Tally => ({ self: 0, precision: 0, overlap: 0, reduceMs: [] });

for (const [n, item] of sample.entries()) {
  const original = new Uint8Array(await fs.readFile(imagePathFor(config.CATALOG_DIR, item)));
  for (const [kind, upload] of [["catalog photo", original], ["1200×1600 + noise", await blowUp(original, n + 1)]] as const) {
    const t = (tallies[kind] ??= { upload: newTally(), copy: newTally() });
    const started = performance.now();
    const copy = await toQueryImage(upload, limits);
    t.copy.reduceMs.push(performance.now() - started);
    const [a, b] = [await service.searchByImage(upload, { k: 10 }), await service.searchByImage(copy.bytes, { k: 10 })];
    const idsA = a.hits.map((hit) => hit.item.id);
    const idsB = new Set(b.hits.map((hit) => hit.item.id));
    for (const [tally, outcome] of [[t.upload, a], [t.copy, b]] as const) {
      if (outcome.hits[0]?.item.id === item.id) tally.self++;
      tally.precision += outcome.hits.filter((hit) => hit.item.articleType === item.articleType).length / 10;
    }
    t.copy.overlap += idsA.filter((id) => idsB.has(id)).length / 10;
  }
  console.error(`${n + 1}/${sample.length}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`${sample.length} catalog items with a unique photo, model ${service.model.id}, catalog ${config.CATALOG_DIR}`);
for (const [kind, { upload, copy }] of Object.entries(tallies)) {
  const n = sample.length;
  console.log(
    `${kind}: rank-1 self ${upload.self}/${n} (upload) vs ${copy.self}/${n} (share copy); same-type P@10 ${(upload.precision / n).toFixed(3)} vs ${(copy.precision / n).toFixed(3)}; top-10 overlap ${(copy.overlap / n).toFixed(3)}; reduce median ${median(copy.reduceMs).toFixed(0)} ms`,
  );
}

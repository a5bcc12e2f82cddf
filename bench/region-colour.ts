/**
 * Measures localisation, background neutralisation and colour fusion on validation
 * products composited onto dev-pool scenes (F1's compositor, true boxes known):
 * same-type and same-type-and-colour P@5 for whole photo, true box crop, auto box and
 * auto box + neutralised background, at several colour weights; IoU of the auto box.
 * Usage: npx tsx bench/region-colour.ts [--catalog data/catalog-small] [--split val] [--limit 200]
 * Validation split only: every choice in docs/decisions/0012 is made on these numbers.
 */
import { promises as fs } from "node:fs";
import { parseArgs } from "node:util";
import { imagePathFor, readCatalog } from "../lib/catalog/store";
import { defaultColourDescriptor, describeRgbColour } from "../lib/colour/colour-descriptor";
import { loadConfig } from "../lib/config";
import { Embedder } from "../lib/embed/embedder";
import { cutOutStudioProduct } from "../lib/image/studio-mask";
import { normalisePixels, toModelPixels } from "../lib/image/preprocess";
import { resolveServedModel } from "../lib/model/manifest";
import { expandBox, intersectBoxes } from "../lib/region/localise";
import { prepareQuery, type RegionRequest } from "../lib/region/query-region";
import { composeScene } from "../lib/scene/compose-scene";
import { listAvailablePhotoScenes, readPhotoScenes } from "../lib/scene/photo-scenes";
import { createPhotoBackground, createProceduralBackground, type SceneBackground } from "../lib/scene/scene-background";
import { sceneKinds } from "../lib/scene/scene-kinds";

const { values } = parseArgs({
  options: { catalog: { type: "string", default: "data/catalog-small" }, split: { type: "string", default: "val" }, limit: { type: "string", default: "200" } },
});
const config = loadConfig();
const limits = { maxPixels: config.MAX_IMAGE_PIXELS };
const model = await resolveServedModel(config.MODELS_DIR, config.MODEL_NAME || undefined);
const embedder = await Embedder.create(config.MODELS_DIR, model, { threads: 2 });
const catalog = await readCatalog(values.catalog!);
const items = catalog.items.filter((item) => item.split !== "excluded");
const colourConfig = defaultColourDescriptor;

async function embedPixels(rgb: Uint8Array): Promise<Float32Array> {
  return (await embedder.run(normalisePixels(rgb, model.preprocess), 1)).embedding.slice();
}

console.error(`catalog: ${items.length} items; model ${model.name}`);
const dim = model.embedding.dim;
const catEmb = new Float32Array(items.length * dim);
const catCol: Float32Array[] = [];
for (const [row, item] of items.entries()) {
  const bytes = await fs.readFile(imagePathFor(values.catalog!, item));
  catEmb.set(await embedPixels(await toModelPixels(bytes, model.preprocess, limits)), row * dim);
  const cut = await cutOutStudioProduct(bytes, limits);
  const rgb = new Uint8Array(cut.width * cut.height * 3);
  const weights = new Float32Array(cut.width * cut.height);
  for (let p = 0; p < weights.length; p++) {
    rgb.set(cut.rgba.subarray(4 * p, 4 * p + 3), 3 * p);
    weights[p] = cut.mask.alpha[p]! / 255;
  }
  catCol.push(describeRgbColour(rgb, colourConfig, weights));
}

const backgrounds: SceneBackground[] = sceneKinds.map((kind) => createProceduralBackground(kind));
const photos = listAvailablePhotoScenes("dev");
const photoBytes = await readPhotoScenes(photos);
for (const scene of photos) {
  const bytes = photoBytes.get(scene.name);
  if (bytes) backgrounds.push(createPhotoBackground(scene, bytes));
}
console.error(`backgrounds: ${backgrounds.length} (${photos.length} dev photos)`);

type Query = { row: number; emb: Record<string, Float32Array>; col: Record<string, Float32Array> };
const variants: Record<string, (box: { x: number; y: number; w: number; h: number }) => [RegionRequest, boolean]> = {
  whole: () => [{ source: "none" }, false],
  trueBox: (box) => [{ source: "user", box: expandBox(box, 0.05) }, false],
  trueBoxNeutral: (box) => [{ source: "user", box: expandBox(box, 0.05) }, true],
  auto: () => [{ source: "auto" }, false],
  autoNeutral: () => [{ source: "auto" }, true],
};
const queries: Query[] = [];
const studio: Query[] = [];
const ious: number[] = [];
const queryRows = items.map((item, row) => ({ item, row })).filter(({ item }) => item.split === values.split).slice(0, Number(values.limit));
for (const [i, { item, row }] of queryRows.entries()) {
  const bytes = await fs.readFile(imagePathFor(values.catalog!, item));
  const cut = await cutOutStudioProduct(bytes, limits);
  if (!cut.mask.box) continue;
  const scene = await composeScene(cut, backgrounds[i % backgrounds.length]!, 1000 + i);
  const q: Query = { row, emb: {}, col: {} };
  for (const [name, make] of Object.entries(variants)) {
    const [request, neutralise] = make(scene.box);
    const prepared = await prepareQuery(scene.bytes, model.preprocess, colourConfig, limits, request, { neutralise });
    // A scene taken for a studio photo is embedded the catalog's way, as the served path does.
    q.emb[name] = await embedPixels(prepared.pixels ?? (await toModelPixels(scene.bytes, model.preprocess, limits)));
    q.col[name] = prepared.colour;
    if (name === "auto") ious.push(intersectBoxes(prepared.region, scene.box));
  }
  queries.push(q);
  const own = await prepareQuery(bytes, model.preprocess, colourConfig, limits, { source: "auto" });
  studio.push({ row, emb: { studio: catEmb.slice(row * dim, (row + 1) * dim) }, col: { studio: own.colour } });
}

function dot(a: Float32Array, b: Float32Array, offset = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[offset + i]!;
  return s;
}

function precisionAt5(qs: Query[], variant: string, colourWeight: number): { type: number; typeColour: number } {
  let type = 0;
  let typeColour = 0;
  for (const q of qs) {
    const self = items[q.row]!;
    const scored = items.map((item, row) => ({
      row,
      score: row === q.row ? -Infinity : (1 - colourWeight) * dot(q.emb[variant]!, catEmb, row * dim) + colourWeight * dot(q.col[variant]!, catCol[row]!),
    }));
    scored.sort((a, b) => b.score - a.score);
    for (const { row } of scored.slice(0, 5)) {
      const hit = items[row]!;
      if (hit.articleType === self.articleType) {
        type++;
        if (hit.baseColour === self.baseColour) typeColour++;
      }
    }
  }
  return { type: type / (5 * qs.length), typeColour: typeColour / (5 * qs.length) };
}

const weights = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
const rows: string[] = [`| query | colour weight b | type P@5 | type+colour P@5 |`, `|---|---|---|---|`];
for (const w of weights) {
  const s = precisionAt5(studio, "studio", w);
  rows.push(`| studio photo | ${w} | ${s.type.toFixed(3)} | ${s.typeColour.toFixed(3)} |`);
}
for (const variant of Object.keys(variants))
  for (const w of weights) {
    const s = precisionAt5(queries, variant, w);
    rows.push(`| scene, ${variant} | ${w} | ${s.type.toFixed(3)} | ${s.typeColour.toFixed(3)} |`);
  }
const meanIou = ious.reduce((a, b) => a + b, 0) / Math.max(ious.length, 1);
console.log(`${values.split} split of ${values.catalog}: ${queries.length} scene queries, ${items.length} catalog items, model ${model.name}`);
console.log(`auto box: mean IoU ${meanIou.toFixed(3)}, IoU ≥ 0.5: ${(ious.filter((v) => v >= 0.5).length / ious.length).toFixed(3)}`);
console.log(rows.join("\n"));
await embedder.dispose();

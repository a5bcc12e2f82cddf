/**
 * The served search path (SearchService.searchByImage) per region and mode, on validation
 * products: their studio photo, and the same product composited onto a dev-pool scene
 * (lib/scene). P@5 by same type and by same type + baseColour, the product itself excluded;
 * and the localisation cost per query (tookMs.region). Choices only: validation split, dev pool.
 * Usage: npx tsx bench/search-modes.ts [--limit 200]   (CATALOG_DIR / MODELS_DIR as served)
 */
import { promises as fs } from "node:fs";
import { parseArgs } from "node:util";
import { imagePathFor } from "../lib/catalog/store";
import type { CatalogItem } from "../lib/catalog/types";
import type { SearchMode } from "../lib/colour/colour-fusion";
import { loadConfig } from "../lib/config";
import { cutOutStudioProduct } from "../lib/image/studio-mask";
import type { RegionRequest } from "../lib/region/query-region";
import { composeScene } from "../lib/scene/compose-scene";
import { listAvailablePhotoScenes, readPhotoScenes } from "../lib/scene/photo-scenes";
import { createPhotoBackground, createProceduralBackground, type SceneBackground } from "../lib/scene/scene-background";
import { sceneKinds } from "../lib/scene/scene-kinds";
import { createSearchService } from "../lib/search/search-service";

const { values } = parseArgs({ options: { limit: { type: "string", default: "200" } } });
const config = loadConfig();
const service = await createSearchService(config);
const limits = { maxPixels: config.MAX_IMAGE_PIXELS };
const backgrounds: SceneBackground[] = sceneKinds.map((kind) => createProceduralBackground(kind));
const photos = listAvailablePhotoScenes("dev");
const photoBytes = await readPhotoScenes(photos);
for (const scene of photos) backgrounds.push(createPhotoBackground(scene, photoBytes.get(scene.name)!));

const variants: { name: string; region: RegionRequest; mode: SearchMode }[] = [
  { name: "whole photo, style (embedding only)", region: { source: "none" }, mode: "style" },
  { name: "auto region, style", region: { source: "auto" }, mode: "style" },
  { name: "auto region, balanced (default)", region: { source: "auto" }, mode: "balanced" },
  { name: "auto region, colour", region: { source: "auto" }, mode: "colour" },
];
const queries = service.items.filter((item) => item.split === "val").slice(0, Number(values.limit));
type Tally = { type: number; typeColour: number; n: number; regionMs: number[] };
const tallies = new Map<string, Tally>();
const count = (key: string, query: CatalogItem, results: CatalogItem[], regionMs: number) => {
  const t = tallies.get(key) ?? { type: 0, typeColour: 0, n: 0, regionMs: [] };
  const top = results.filter((r) => r.id !== query.id).slice(0, 5);
  t.type += top.filter((r) => r.label === query.label).length / 5;
  t.typeColour += top.filter((r) => r.label === query.label && query.baseColour && r.baseColour === query.baseColour).length / 5;
  t.n++;
  t.regionMs.push(regionMs);
  tallies.set(key, t);
};
for (const [i, item] of queries.entries()) {
  const studio = await fs.readFile(imagePathFor(config.CATALOG_DIR, item));
  const cut = await cutOutStudioProduct(studio, limits);
  const scene = cut.mask.box ? (await composeScene(cut, backgrounds[i % backgrounds.length]!, 7000 + i)).bytes : undefined;
  for (const v of variants) {
    for (const [where, bytes] of [["studio", studio], ["scene", scene]] as const) {
      if (!bytes) continue;
      const outcome = await service.searchByImage(bytes, { k: 6, region: v.region, mode: v.mode });
      count(`${where} | ${v.name}`, item, outcome.hits.map((h) => h.item), outcome.tookMs.region);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`model ${service.model.name} (${service.model.id}), ${service.items.length} items, ${queries.length} val queries, ${backgrounds.length} dev backgrounds`);
for (const [key, t] of tallies) {
  console.log(`${key}: P@5 type ${(t.type / t.n).toFixed(3)}  type+colour ${(t.typeColour / t.n).toFixed(3)}  (n ${t.n}, region p50 ${median(t.regionMs).toFixed(1)} ms)`);
}

/**
 * The validation colour sweep of `npm run train` (lib/pipeline/choose-colour.ts) without training
 * the head again: the served trained model's head over the cached backbone features, the ranking
 * built as trainModel builds it (temperature fitted on val, 2 plain matches kept), the cached
 * studio colour descriptors; then every (γ, embedding share) with the learned colour, or the
 * unsupervised descriptor with --baseline. Validation split only.
 * Usage: npx tsx bench/colour-sweep.ts [--baseline]   (CATALOG_DIR / MODELS_DIR / CACHE_DIR as served)
 */
import { parseArgs } from "node:util";
import { readCatalog } from "../lib/catalog/store";
import { defaultColourDescriptor } from "../lib/colour/colour-descriptor";
import { loadConfig } from "../lib/config";
import { gatherRows } from "../lib/matrix";
import { readModelManifest, resolvePipelineBackbone } from "../lib/model/manifest";
import { chooseColourFusion } from "../lib/pipeline/choose-colour";
import { loadItemColours } from "../lib/pipeline/item-colours";
import { loadItemFeatures } from "../lib/pipeline/item-features";
import { embedItems } from "../lib/pipeline/model-index";
import { fitTemperature } from "../lib/train/temperature";

const { values } = parseArgs({ options: { baseline: { type: "boolean", default: false } } });
const config = loadConfig();
const options = { cacheDir: config.CACHE_DIR, catalogDir: config.CATALOG_DIR, modelsDir: config.MODELS_DIR, maxPixels: config.MAX_IMAGE_PIXELS };
const { items: all, manifest } = await readCatalog(options.catalogDir);
const items = all.filter((item) => item.split !== "excluded");
const { features } = await loadItemFeatures(options, await resolvePipelineBackbone(options.modelsDir), items);
const trained = await readModelManifest(options.modelsDir, "product-embedder");
const model = { ...trained, colour: undefined };
const labels = model.classifier!.labels;
const classOf = new Map(labels.map((label, i) => [label, i]));
const valRows = items.flatMap((item, row) => (item.split === "val" ? [row] : []));
const embedded = await embedItems(options.modelsDir, model, items, features);
const { temperature } = fitTemperature(gatherRows(embedded.probabilities!, labels.length, valRows), Int32Array.from(valRows, (row) => classOf.get(items[row]!.label)!));
const ranking = { ...model.ranking!, temperature, keepPlain: model.ranking!.categoryBoost > 0 ? 2 : 0 };
const { colours } = await loadItemColours(options, defaultColourDescriptor, items);
const started = performance.now();
const choice = await chooseColourFusion({ ...model, ranking }, { items, features, queryRows: valRows }, embedded, colours, defaultColourDescriptor, ranking, manifest.labelColumn, !values.baseline);
console.log(`${items.length} items, ${valRows.length} val queries, ranking ${JSON.stringify(ranking)}`);
for (const r of choice.shares) {
  const gamma = r.gamma === undefined ? "" : ` γ ${r.gamma}`;
  console.log(`val colour share ${(1 - r.share).toFixed(2)}${gamma}: P@5 type ${r.type.toFixed(4)}  type+colour ${r.typeColour.toFixed(4)}  colour ${r.colour.toFixed(4)}`);
}
const { modes, indexShare, learned, names } = choice.fusion;
console.log(
  `chosen: modes ${JSON.stringify(modes)}, index share ${indexShare}${learned ? `, γ ${learned.gamma}` : ""}; ` +
    `colour names (${learned?.labels.length ?? names?.labels.length ?? 0}) val accuracy ${(100 * (choice.nameAccuracy ?? 0)).toFixed(1)}%; sweep ${((performance.now() - started) / 1000).toFixed(0)} s`,
);

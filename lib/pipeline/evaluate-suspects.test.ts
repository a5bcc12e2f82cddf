import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractSubset, hasDataset } from "../../tests/helpers/dataset";
import type { CatalogItem } from "../catalog/types";
import { loadConfig } from "../config";
import { DEFAULT_SUSPECT_OPTIONS, suspectScorings } from "../live/mislabel-suspects";
import { buildNeighbourGraph, type NeighbourGraph } from "../live/neighbour-graph";
import { BACKBONE_NAME, readModelManifest } from "../model/manifest";
import { defaultTrainOptions } from "../train/train-head";
import { buildCatalog } from "./build-catalog";
import { flipLabels, measureSuspectRecall, SUSPECT_GRAPH_K } from "./evaluate-suspects";
import { loadItemFeatures } from "./item-features";
import { embedItems, loadColoursFor } from "./model-index";
import { trainModel } from "./train-model";

const item = (id: string, label: string, masterCategory: string, split: CatalogItem["split"]) =>
  ({ id, label, articleType: label, masterCategory, split, imageHash: id.padStart(64, "0") }) as CatalogItem;

describe("flipLabels", () => {
  const items = [
    ...Array.from({ length: 30 }, (_, i) => item(`s${i}`, "Shirts", "Apparel", i % 3 === 0 ? "train" : "val")),
    ...Array.from({ length: 30 }, (_, i) => item(`t${i}`, "Tshirts", "Apparel", i % 3 === 0 ? "train" : "test")),
    ...Array.from({ length: 30 }, (_, i) => item(`w${i}`, "Watches", "Accessories", "val")),
    item("r0", "Rare", "Apparel", "val"),
  ];
  const options = { count: 20, seed: 5, splits: ["val", "test"] as const, labelColumn: "articleType" as const, labels: ["Shirts", "Tshirts", "Watches"] };

  it("flips the asked count, seeded, within the masterCategory, only on the given splits and known labels", () => {
    const { items: out, flipped } = flipLabels(items, options);
    expect(flipped.size).toBe(20);
    expect(flipLabels(items, options).flipped).toEqual(flipped);
    for (const [id, { from, to }] of flipped) {
      const before = items.find((i) => i.id === id)!;
      const after = out.find((i) => i.id === id)!;
      expect(before.split).not.toBe("train");
      expect(from).toBe(before.label);
      expect(["Shirts", "Tshirts"]).toContain(from); // Watches is alone in Accessories; Rare is unknown
      expect(to).not.toBe(from);
      expect(["Shirts", "Tshirts"]).toContain(to); // the other label of Apparel, never Watches
      expect(after).toMatchObject({ label: to, articleType: to, masterCategory: before.masterCategory });
    }
    // Nothing else changed, and the input is left as it was.
    expect(out.filter((i, r) => i !== items[r]).length).toBe(20);
    expect(items.every((i) => i.label === i.articleType)).toBe(true);
  });
});

// The must-show check of issue 17 at CI scale: the 8 common article types of the data set (or its
// generated stand-in), 120 photos each, backbone descriptors computed once into tmp/ and reused.
// The served pipeline is trained on the catalog's train split (projection head + linear
// classifier, as npm run train does, small settings); the flips are on val and test items, which
// it never saw. The bar is the full-catalog protocol's proportion (200 flips among the first 400
// suspects, ≥ 80%: npm run eval -- --suspects, decision 0019): 40 flips among the first 80.
describe.skipIf(!hasDataset())("mislabel suspects on a real catalog with flipped labels", () => {
  const config = loadConfig();
  const cacheDir = path.resolve(process.env.SUSPECTS_TEST_CACHE ?? "tmp/suspects-test-cache");
  let root: string;
  let items: CatalogItem[];
  let graph: NeighbourGraph;
  let probabilities: Float32Array;
  let labels: string[];

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "vps-suspects-"));
    const modelsDir = path.join(root, "models");
    await fs.mkdir(modelsDir);
    const backbone = await readModelManifest(config.MODELS_DIR, BACKBONE_NAME);
    // The converted backbone, linked (not rebuilt): the trained model is written beside it.
    for (const file of [`${BACKBONE_NAME}.json`, backbone.file]) await fs.symlink(path.join(config.MODELS_DIR, file), path.join(modelsDir, file));
    const subset = await extractSubset({ perLabel: 120 });
    const options = { modelsDir, cacheDir, catalogDir: path.join(root, "catalog"), maxPixels: config.MAX_IMAGE_PIXELS, batchSize: 16 };
    try {
      items = (await buildCatalog({ ...options, images: subset.imagesDir, csv: subset.csvPath, minPerLabel: 20, modelName: BACKBONE_NAME })).items;
    } finally {
      await subset.cleanup();
    }
    const trained = await trainModel(items, {
      ...options,
      labelColumn: "articleType",
      boosts: [0],
      train: { ...defaultTrainOptions, hiddenDim: 0, embedDim: 64, p: 8, dropout: 0.1, maxEpochs: 15, seed: 1 },
      classifier: { l2: 0.01, maxEvaluations: 60 },
    });
    const model = trained.model;
    labels = model.classifier!.labels;
    const { features } = await loadItemFeatures(options, backbone, items);
    const embedded = await embedItems(modelsDir, model, items, features, await loadColoursFor(options, model, items));
    probabilities = embedded.probabilities!;
    graph = await buildNeighbourGraph(embedded.index.vectors, embedded.index.dim, SUSPECT_GRAPH_K);
  }, 1_200_000);

  afterAll(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it("finds at least 80% of 40 flipped labels among the first 80 suspects, suggesting the true label", () => {
    const flipped = flipLabels(items, { count: 40, seed: 17, splits: ["val", "test"], labelColumn: "articleType", labels });
    expect(flipped.flipped.size).toBe(40);
    for (const scoring of suspectScorings) {
      const r = measureSuspectRecall({ graph, probabilities, labels }, flipped, { ...DEFAULT_SUSPECT_OPTIONS, scoring }, 80);
      console.log(`suspects (CI scale, ${items.length} items), ${scoring} k ${r.k}: ${r.found}/${r.flips} flips among the first ${r.top}, suggested = true label ${(r.suggestedTrue * 100).toFixed(1)}%`);
    }
    const recall = measureSuspectRecall({ graph, probabilities, labels }, flipped, DEFAULT_SUSPECT_OPTIONS, 80);
    console.log(`suspects (CI scale): ${recall.found + recall.others} suspects in the first 80 (fewer: that is all of them)`);
    expect(recall.recall).toBeGreaterThanOrEqual(0.8);
    expect(recall.suggestedTrue).toBeGreaterThanOrEqual(0.8);
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { caffePreprocess, type ModelManifest } from "../../lib/model/manifest";
import { OnnxGraphBuilder } from "../../lib/onnx/onnx-graph";
import { subsetPAt5, subsetTopK, timeVariant } from "./variant-timing";

// Six 2-d unit vectors: three near (1, 0) labelled "a", three near (0, 1) labelled "b".
const embeddings = Float32Array.from([1, 0, 0.99, 0.141, 0.98, 0.199, 0, 1, 0.141, 0.99, 0.199, 0.98]);

describe("subset retrieval helpers", () => {
  it("ranks each photo's neighbours by cosine, itself excluded", () => {
    const lists = subsetTopK(embeddings, 2, 6, 2);
    expect(lists[0]).toEqual([1, 2]);
    expect(lists[3]).toEqual([4, 5]);
    expect(lists.every((list, q) => !list.includes(q))).toBe(true);
  });

  it("P@5 within the subset: two same-label neighbours of five", () => {
    expect(subsetPAt5(embeddings, 2, ["a", "a", "a", "b", "b", "b"])).toBeCloseTo(2 / 5, 12);
    expect(subsetPAt5(embeddings, 2, ["a", "b", "a", "b", "a", "b"])).toBeLessThan(2 / 5);
  });
});

describe("timeVariant", () => {
  it("returns one embedding row per photo, in photo order, when the last batch is shorter", async () => {
    // image [n, 2, 2, 3] → embedding [n, 3]: the mean over the 2×2 pixels of each channel.
    const g = new OnnxGraphBuilder();
    g.addInput("image", ["batch", 2, 2, 3]);
    g.addNode("ReduceMean", ["image"], { axes: [1, 2], keepdims: 0 }, ["embedding"]);
    g.addOutput("embedding", ["batch", 3]);
    const dir = await mkdtemp(path.join(os.tmpdir(), "vps-variant-"));
    try {
      const file = path.join(dir, "tiny.onnx");
      await writeFile(file, g.encode("tiny", "mean pixel"));
      const manifest = { input: { name: "image" }, embedding: { output: "embedding", dim: 3 }, preprocess: caffePreprocess } as ModelManifest;
      const photos = Array.from({ length: 5 }, (_, i) => new Float32Array(12).fill(i + 1));
      const variant = { name: "tiny", file, settings: { graphOptimizationLevel: "all" as const, threads: 1 }, height: 2, width: 2, batch: 2 };
      const { embeddings } = await timeVariant(variant, manifest, photos);
      expect(Array.from(embeddings)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

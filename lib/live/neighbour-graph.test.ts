import { describe, expect, it } from "vitest";
import { FlatIndex } from "../index/flat-index";
import { createRng } from "../random";
import { buildNeighbourGraph } from "./neighbour-graph";

describe("buildNeighbourGraph", () => {
  it("equals exact search with the item itself left out, across batches", async () => {
    const dim = 12;
    const n = 600; // more than one onnxruntime batch of queries
    const random = createRng(11);
    const vectors = new Float32Array(n * dim).map(() => random() * 2 - 1);
    for (let r = 0; r < n; r++) {
      const row = vectors.subarray(r * dim, (r + 1) * dim);
      const norm = Math.hypot(...row);
      row.forEach((x, d) => (row[d] = x / norm));
    }
    const k = 7;
    const graph = await buildNeighbourGraph(vectors, dim, k);
    const index = new FlatIndex(dim, Array.from({ length: n }, (_, i) => String(i)), vectors);
    for (const row of [0, 1, 255, 256, 257, 599]) {
      const exact = index.search(vectors.subarray(row * dim, (row + 1) * dim), k, { exclude: [row] });
      expect(Array.from(graph.rows.subarray(row * k, (row + 1) * k))).toEqual(exact.map((hit) => hit.row));
      exact.forEach((hit, slot) => expect(graph.scores[row * k + slot]).toBeCloseTo(hit.score, 5));
    }
  });

  it("fills slots past the catalog's end with -1", async () => {
    const graph = await buildNeighbourGraph(Float32Array.of(1, 0, 0, 1, 0.6, 0.8), 2, 4);
    expect(Array.from(graph.rows.subarray(0, 4))).toEqual([2, 1, -1, -1]);
  });
});

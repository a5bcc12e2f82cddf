import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { createRng } from "../random";
import { findDuplicateGroups, findDuplicateGroupsInGraph } from "./duplicate-report";
import { buildNeighbourGraph } from "./neighbour-graph";

const dim = 16;
const item = (id: string, imageHash = id.padStart(64, "0")) => ({ id, imageHash }) as CatalogItem;

function unit(random: () => number): Float32Array {
  const v = Float32Array.from({ length: dim }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe("findDuplicateGroups", () => {
  it("groups planted near-duplicates (chains included) and nothing else", () => {
    const random = createRng(3);
    const base = Array.from({ length: 200 }, () => unit(random));
    const nudge = (v: Float32Array, eps: number) => {
      const w = v.map((x) => x + eps * (random() * 2 - 1));
      const norm = Math.hypot(...w);
      return w.map((x) => x / norm);
    };
    // 10 → 200 (identical photo), 20 → 201 → 202 (a chain of close copies).
    const extra = [base[10]!.slice(), nudge(base[20]!, 0.01), nudge(base[20]!, 0.02)];
    const vectors = new Float32Array((base.length + extra.length) * dim);
    [...base, ...extra].forEach((v, i) => vectors.set(v, i * dim));
    const items = [...base.map((_, i) => item(String(i))), item("200", item("10").imageHash), item("201"), item("202")];
    const report = findDuplicateGroups(items, vectors, dim, 0.97);
    expect(report.groups.map((g) => g.ids)).toEqual([["20", "201", "202"], ["10", "200"]]);
    expect(report.groups[1]).toMatchObject({ samePhoto: true });
    expect(report.groups[1]!.maxScore).toBeCloseTo(1, 5);
    expect(report.groups[0]).toMatchObject({ samePhoto: false });
    expect(report).toMatchObject({ items: 203, itemsInGroups: 5, pairCount: 4 });
    expect(report.pairs.map((p) => [p.a, p.b, p.samePhoto])).toContainEqual(["10", "200", true]);
    expect(report.pairs.map((p) => p.score)).toEqual([...report.pairs.map((p) => p.score)].sort((x, y) => y - x));
    // The console's path (the shared onnxruntime neighbour graph) finds the same pairs and groups.
    return buildNeighbourGraph(vectors, dim, 32).then((graph) => {
      const viaGraph = findDuplicateGroupsInGraph(items, graph, 0.97);
      expect(viaGraph.groups).toEqual(report.groups);
      expect(viaGraph.pairs.map((p) => [p.a, p.b, p.samePhoto])).toEqual(report.pairs.map((p) => [p.a, p.b, p.samePhoto]));
    });
  });
});

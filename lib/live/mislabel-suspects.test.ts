import { describe, expect, it } from "vitest";
import type { CatalogItem } from "../catalog/types";
import { createRng } from "../random";
import { rankSuspects } from "./mislabel-suspects";
import { buildNeighbourGraph } from "./neighbour-graph";

const dim = 8;
const labels = ["Shirts", "Tshirts", "Watches"] as const;

/** Three tight clusters, one per label; `hash` lets a test make byte-identical copies. */
function catalog(perLabel: number) {
  const random = createRng(7);
  const items: CatalogItem[] = [];
  const rows: number[][] = [];
  labels.forEach((label, c) => {
    for (let i = 0; i < perLabel; i++) {
      const v = Array.from({ length: dim }, (_, d) => (d === c ? 1 : 0) + 0.05 * (random() - 0.5));
      rows.push(v);
      items.push({ id: `${label}-${i}`, label, articleType: label, imageHash: `${c}${i}`.padStart(64, "0") } as CatalogItem);
    }
  });
  return { items, rows };
}

function pack(rows: number[][]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((v, r) => {
    const norm = Math.hypot(...v);
    v.forEach((x, d) => (out[r * dim + d] = x / norm));
  });
  return out;
}

/** Probabilities that follow the photo's cluster (the true label), not the record's label. */
function probabilitiesOf(trueClass: number[], confidence = 0.8): Float32Array {
  const out = new Float32Array(trueClass.length * labels.length).fill((1 - confidence) / (labels.length - 1));
  trueClass.forEach((c, r) => (out[r * labels.length + c] = confidence));
  return out;
}

describe("rankSuspects", () => {
  it("ranks a planted mislabel first, suggests its true label and gives the evidence", async () => {
    const { items, rows } = catalog(20);
    const truth = items.map((item) => labels.indexOf(item.label as (typeof labels)[number]));
    items[3] = { ...items[3]!, label: "Tshirts", articleType: "Tshirts" }; // a shirt filed as a T-shirt
    const graph = await buildNeighbourGraph(pack(rows), dim, 16);
    const ranked = rankSuspects({ items, graph, probabilities: probabilitiesOf(truth), labels }, { k: 10, scoring: "agree", temperature: 1 });
    expect(ranked[0]).toMatchObject({ id: "Shirts-3", label: "Tshirts", suggested: "Shirts", votes: { k: 10, own: 0, suggested: 10 } });
    expect(ranked[0]!.classifier!.own).toBeCloseTo(0.1, 5);
    expect(ranked[0]!.classifier!.suggested).toBeCloseTo(0.8, 5);
    expect(ranked[0]!.score).toBeCloseTo(0.8, 5);
    expect(ranked[0]!.neighbours).toHaveLength(5);
    expect(ranked[0]!.neighbours.every((id) => id.startsWith("Shirts-") && id !== "Shirts-3")).toBe(true);
    // Every other item scores far lower: its own label wins both sources.
    expect(ranked[1]?.score ?? 0).toBeLessThan(0.2);
  });

  it("leaves byte-identical copies of the item itself out of its vote", async () => {
    const { items, rows } = catalog(20);
    const truth = items.map((item) => labels.indexOf(item.label as (typeof labels)[number]));
    // Shirts-3 and five byte-identical copies, all filed as T-shirts: left to vote, the copies would outvote the other shirts.
    const copies = Array.from({ length: 5 }, (_, j) => ({ ...items[3]!, id: `copy-${j}`, label: "Tshirts", articleType: "Tshirts" }));
    items[3] = { ...items[3]!, label: "Tshirts", articleType: "Tshirts" };
    const all = [...items, ...copies];
    const vectors = pack([...rows, ...copies.map(() => rows[3]!)]);
    const graph = await buildNeighbourGraph(vectors, dim, 16);
    const ranked = rankSuspects({ items: all, graph, probabilities: probabilitiesOf([...truth, 0, 0, 0, 0, 0]), labels }, { k: 10, scoring: "agree", temperature: 1 });
    const suspect = ranked.find((s) => s.id === "Shirts-3")!;
    expect(suspect.votes).toEqual({ k: 10, own: 0, suggested: 10 });
    expect(suspect.neighbours.some((id) => id.startsWith("copy-"))).toBe(false);
  });

  it("without a classifier, ranks by the neighbour vote alone", async () => {
    const { items, rows } = catalog(20);
    items[25] = { ...items[25]!, label: "Watches", articleType: "Watches" };
    const graph = await buildNeighbourGraph(pack(rows), dim, 16);
    const ranked = rankSuspects({ items, graph, labels: [] }, { k: 10, scoring: "agree", temperature: 1 });
    expect(ranked[0]).toMatchObject({ id: "Tshirts-5", suggested: "Tshirts", classifier: null, score: 1 });
  });

  it("is no suspect while its own label still wins on the mean, however unsure the classifier is", async () => {
    const { items, rows } = catalog(20);
    const truth = items.map((item) => labels.indexOf(item.label as (typeof labels)[number]));
    // The classifier puts Watches-0 in Shirts (0.6 vs 0.35); all its neighbours are watches: own 0.675 vs 0.3.
    const probabilities = probabilitiesOf(truth);
    probabilities.set([0.6, 0.05, 0.35], 40 * labels.length);
    const graph = await buildNeighbourGraph(pack(rows), dim, 16);
    for (const scoring of ["classifier", "votes", "agree"] as const) {
      const ranked = rankSuspects({ items, graph, probabilities, labels }, { k: 10, scoring, temperature: 1 });
      expect(ranked.map((s) => s.id), scoring).not.toContain("Watches-0");
    }
  });
});

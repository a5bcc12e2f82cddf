import { describe, expect, it } from "vitest";
import { defaultColourDescriptor } from "./colour-descriptor";
import { colourFusionSchema, fusedDim, fusedModelId, fuseItemVector, fuseItemVectors, fuseQueryVector, type ColourFusion } from "./colour-fusion";

const fusion: ColourFusion = { descriptor: defaultColourDescriptor, indexShare: 0.8, modes: { style: 1, balanced: 0.8, colour: 0.3 } };
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

// Two unit embeddings with cos 0.6 and two unit colours with cos 0: every score is checkable by hand.
const e1 = [1, 0];
const e2 = [0.6, 0.8];
const c1 = [1, 0, 0];
const c2 = [0, 1, 0];

describe("colour fusion", () => {
  it("stores unit vectors whose cosine is λ·cos_e + (1 − λ)·cos_c", () => {
    const a = fuseItemVector(e1, c1, fusion);
    const b = fuseItemVector(e2, c2, fusion);
    expect(dot(a, a)).toBeCloseTo(1, 6);
    expect(dot(a, b)).toBeCloseTo(0.8 * 0.6 + 0.2 * 0, 6);
    expect(dot(a, fuseItemVector(e2, c1, fusion))).toBeCloseTo(0.8 * 0.6 + 0.2 * 1, 6);
  });

  it("scores a mode's query μ·cos_e + (1 − μ)·cos_c against stored items, without re-indexing", () => {
    const item = fuseItemVector(e2, c1, fusion);
    expect(dot(fuseQueryVector(e1, c1, fusion, "style"), item)).toBeCloseTo(0.6, 6);
    expect(dot(fuseQueryVector(e1, c1, fusion, "balanced"), item)).toBeCloseTo(0.8 * 0.6 + 0.2, 6);
    expect(dot(fuseQueryVector(e1, c1, fusion, "colour"), item)).toBeCloseTo(0.3 * 0.6 + 0.7, 6);
  });

  it("fuses rows like single vectors and counts the floats", () => {
    const rows = fuseItemVectors(Float32Array.from([...e1, ...e2]), Float32Array.from([...c1, ...c2]), 2, fusion);
    expect([...rows.subarray(5, 10)].map((v) => v.toFixed(6))).toEqual([...fuseItemVector(e2, c2, fusion)].map((v) => v.toFixed(6)));
    expect(fusedDim(256, fusion)).toBe(256 + 77);
    expect(fusedDim(256, undefined)).toBe(256);
  });

  it("refuses an index share of 0 or 1 and centroids of the wrong size", () => {
    expect(colourFusionSchema.safeParse({ ...fusion, indexShare: 1 }).success).toBe(false);
    expect(colourFusionSchema.safeParse({ ...fusion, indexShare: 0 }).success).toBe(false);
    const names = { column: "baseColour", labels: ["Red"], centroids: [[1, 0]] };
    expect(colourFusionSchema.safeParse({ ...fusion, names }).success).toBe(false);
    expect(colourFusionSchema.safeParse({ ...fusion, names: { ...names, centroids: [new Array(77).fill(0)] } }).success).toBe(true);
  });
});

describe("fusedModelId", () => {
  it("names fused vectors apart from the plain embedding and from another fusion, stably", () => {
    const id = fusedModelId("1a7ab7c2104d66b3", fusion);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(id).not.toBe("1a7ab7c2104d66b3");
    expect(fusedModelId("1a7ab7c2104d66b3", fusion)).toBe(id);
    expect(fusedModelId("1a7ab7c2104d66b3", { ...fusion, indexShare: 0.7 })).not.toBe(id);
    expect(fusedModelId("0000000000000000", fusion)).not.toBe(id);
  });
});

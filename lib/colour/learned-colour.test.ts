import { describe, expect, it } from "vitest";
import { defaultColourDescriptor } from "./colour-descriptor";
import { colourFusionSchema, fusedDim, fuseItemVector, fuseItemVectors, fuseQueryVector, type ColourFusion } from "./colour-fusion";
import { predictColourName } from "./colour-names";
import { computeColourPosterior, projectColour, type LearnedColour } from "./learned-colour";

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// Two descriptor floats, two names: logits = [√c0, −√c0] (mean 0, std 1), so p(Red) = σ(2√c0).
const tiny: LearnedColour = { column: "baseColour", labels: ["Red", "Blue"], mean: [0, 0], std: [1, 1], weights: [[1, -1], [0, 0]], bias: [0, 0], gamma: 0 };

describe("learned colour", () => {
  it("computes the posterior of the signed square root, standardised, through one affine map", () => {
    const p = computeColourPosterior([0.25, 0.9], tiny);
    expect(p[0]).toBeCloseTo(sigmoid(1), 12);
    expect(p[1]).toBeCloseTo(sigmoid(-1), 12);
    const shifted = computeColourPosterior([0.25, 0], { ...tiny, mean: [0.5, 0], bias: [0.3, 0] });
    expect(shifted[0]).toBeCloseTo(sigmoid(0.3), 12);
  });

  it("projects to normalise([√p ; γ·c]): the √p block's cosine is the Bhattacharyya coefficient", () => {
    const a = [0.25, 0];
    const b = [0.01, 0];
    const pa = computeColourPosterior(a, tiny);
    const pb = computeColourPosterior(b, tiny);
    const bhattacharyya = Math.sqrt(pa[0]! * pb[0]!) + Math.sqrt(pa[1]! * pb[1]!);
    expect(dot(projectColour(a, tiny), projectColour(b, tiny))).toBeCloseTo(bhattacharyya, 6);
    // γ = 2 and unit descriptors: ‖[√p ; 2c]‖ = √5, so the raw block is 2c/√5 and the cosine mixes 1 : 4.
    const ua = [0.6, 0.8];
    const ub = [1, 0];
    const withGamma = { ...tiny, gamma: 2 };
    const v = projectColour(ua, withGamma);
    expect(v.length).toBe(4);
    expect(dot(v, v)).toBeCloseTo(1, 6);
    expect(v[2]).toBeCloseTo((2 * 0.6) / Math.sqrt(5), 6);
    const pu = computeColourPosterior(ua, tiny);
    const pv = computeColourPosterior(ub, tiny);
    const bc = Math.sqrt(pu[0]! * pv[0]!) + Math.sqrt(pu[1]! * pv[1]!);
    expect(dot(v, projectColour(ub, withGamma))).toBeCloseTo((bc + 4 * 0.6) / 5, 6);
  });

  it("leaves the descriptor as it is without a learned block", () => {
    expect([...projectColour([0.6, 0.8], undefined)]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it("names a colour by the posterior's arg-max", () => {
    const fusion: ColourFusion = { descriptor: defaultColourDescriptor, indexShare: 0.7, modes: { style: 1, balanced: 0.7, colour: 0.5 }, learned: tiny };
    expect(predictColourName([0.25, 0], fusion)).toEqual({ label: "Red", similarity: sigmoid(1) });
    expect(predictColourName([0, 0], { ...fusion, learned: { ...tiny, bias: [0, 1] } })?.label).toBe("Blue");
  });
});

describe("colour fusion with a learned colour", () => {
  const dim = 77;
  const k = 3;
  // A learned block over the served 77-float descriptor: name c reads descriptor float c.
  const learned: LearnedColour = {
    column: "baseColour",
    labels: ["Black", "Blue", "Red"],
    mean: new Array(dim).fill(0),
    std: new Array(dim).fill(1),
    weights: Array.from({ length: dim }, (_, d) => Array.from({ length: k }, (_, c) => (d === c ? 4 : 0))),
    bias: [0, 0, 0],
    gamma: 0.5,
  };
  const fusion: ColourFusion = { descriptor: defaultColourDescriptor, indexShare: 0.7, modes: { style: 1, balanced: 0.7, colour: 0.4 }, learned };
  const unit = (i: number) => Array.from({ length: dim }, (_, d) => (d === i ? 1 : 0));
  const e1 = [1, 0];
  const e2 = [0.6, 0.8];

  it("stores and queries through the same projection: item vectors are unit and score λ·cos_e + (1 − λ)·cos_c′", () => {
    const a = fuseItemVector(e1, unit(0), fusion);
    const b = fuseItemVector(e2, unit(2), fusion);
    expect(a.length).toBe(2 + k + dim);
    expect(fusedDim(2, fusion)).toBe(2 + k + dim);
    expect(dot(a, a)).toBeCloseTo(1, 6);
    const cosC = dot(projectColour(unit(0), learned), projectColour(unit(2), learned));
    expect(dot(a, b)).toBeCloseTo(0.7 * 0.6 + 0.3 * cosC, 6);
    // A query whose share is the index share is exactly the stored vector of the same photo.
    const query = fuseQueryVector(e1, unit(0), { ...fusion, modes: { ...fusion.modes, balanced: 0.7 } }, "balanced");
    expect([...query].map((v) => v.toFixed(6))).toEqual([...a].map((v) => v.toFixed(6)));
    expect(dot(fuseQueryVector(e1, unit(0), fusion, "colour"), b)).toBeCloseTo(0.4 * 0.6 + 0.6 * cosC, 6);
  });

  it("fuses catalog rows (build, re-index) exactly as one photo (admin add, query)", () => {
    const rows = fuseItemVectors(Float32Array.from([...e1, ...e2]), Float32Array.from([...unit(1), ...unit(2)]), 2, fusion);
    const width = 2 + k + dim;
    expect(rows.length).toBe(2 * width);
    expect([...rows.subarray(width)].map((v) => v.toFixed(6))).toEqual([...fuseItemVector(e2, unit(2), fusion)].map((v) => v.toFixed(6)));
  });

  it("refuses a learned block whose shapes do not fit the descriptor", () => {
    expect(colourFusionSchema.safeParse(fusion).success).toBe(true);
    expect(colourFusionSchema.safeParse({ ...fusion, learned: { ...learned, weights: learned.weights.slice(1) } }).success).toBe(false);
    expect(colourFusionSchema.safeParse({ ...fusion, learned: { ...learned, weights: learned.weights.map((r) => r.slice(1)) } }).success).toBe(false);
    expect(colourFusionSchema.safeParse({ ...fusion, learned: { ...learned, bias: [0, 0] } }).success).toBe(false);
    expect(colourFusionSchema.safeParse({ ...fusion, learned: { ...learned, mean: [0] } }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { HeadObjective, type HeadParams } from "./head-objective";
import type { HeadConfig } from "./types";

type Loss = { margin: number; ceWeight: number };

/** The same loss in float64, straight from its definition, for finite differences. */
function referenceLoss(config: HeadConfig, loss: Loss, params: Record<keyof HeadParams, Float64Array | undefined>, x: Float64Array, labels: Int32Array, hiddenMask?: Float64Array) {
  const { inputDim, hiddenDim, embedDim, numClasses, scale } = config;
  const n = labels.length;
  const h: number[][] = [];
  for (let r = 0; r < n; r++) {
    if (hiddenDim === 0) h.push(Array.from(x.subarray(r * inputDim, (r + 1) * inputDim)));
    else
      h.push(
        Array.from({ length: hiddenDim }, (_, j) => {
          let s = params.b1![j]!;
          for (let d = 0; d < inputDim; d++) s += x[r * inputDim + d]! * params.w1![d * hiddenDim + j]!;
          return Math.max(s, 0) * (hiddenMask ? hiddenMask[r * hiddenDim + j]! : 1);
        }),
      );
  }
  const unit = (v: number[]) => {
    const norm = Math.max(Math.hypot(...v), 1e-12);
    return v.map((a) => a / norm);
  };
  const e = h.map((row) => unit(Array.from({ length: embedDim }, (_, k) => row.reduce((s, v, j) => s + v * params.w2![j * embedDim + k]!, params.b2![k]!))));
  const p = Array.from({ length: numClasses }, (_, c) => unit(Array.from(params.wc!.subarray(c * embedDim, (c + 1) * embedDim))));
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  let ce = 0;
  for (let r = 0; r < n; r++) {
    const logits = p.map((proto) => scale * dot(e[r]!, proto));
    const top = Math.max(...logits);
    ce += top + Math.log(logits.reduce((s, z) => s + Math.exp(z - top), 0)) - logits[labels[r]!]!;
  }
  ce /= n;
  let triplet = 0;
  for (let i = 0; i < n; i++) {
    let hardestPositive = 0;
    let hardestNegative = 4;
    for (let j = 0; j < n; j++) {
      const d = Math.sqrt(Math.max(2 - 2 * dot(e[i]!, e[j]!), 0) + 1e-12);
      if (labels[i] === labels[j] && i !== j) hardestPositive = Math.max(hardestPositive, d);
      if (labels[i] !== labels[j]) hardestNegative = Math.min(hardestNegative, d);
    }
    triplet += Math.max(hardestPositive - hardestNegative + loss.margin, 0);
  }
  triplet /= n;
  return { total: triplet + loss.ceWeight * ce, triplet, ce };
}

function identityParams(dim: number, classes: number): HeadParams {
  const w2 = new Float32Array(dim * dim);
  for (let i = 0; i < dim; i++) w2[i * dim + i] = 1;
  const wc = new Float32Array(classes * dim);
  for (let c = 0; c < classes; c++) wc[c * dim + (c % dim)] = 1;
  return { w2, b2: new Float32Array(dim), wc };
}

async function tripletOf(points: number[][], labels: number[], margin: number) {
  const config: HeadConfig = { inputDim: 2, hiddenDim: 0, embedDim: 2, numClasses: 2, scale: 16 };
  const objective = await HeadObjective.create(config, { margin, ceWeight: 0 }, { gradients: false });
  try {
    return await objective.evaluate(identityParams(2, 2), { x: Float32Array.from(points.flat()), labels: Int32Array.from(labels) });
  } finally {
    await objective.dispose();
  }
}

describe("HeadObjective: batch-hard triplet loss", () => {
  it("uses the farthest positive and the nearest negative of each anchor", async () => {
    // Unit square corners: every positive is √2 away and the nearest negative is √2 too.
    const r = await tripletOf([[1, 0], [0, 1], [-1, 0], [0, -1]], [0, 0, 1, 1], 0.3);
    expect(r.triplet).toBeCloseTo(0.3, 5);
    expect(r.active).toBe(1);
    expect(r.total).toBeCloseTo(r.triplet, 6); // ceWeight 0
  });

  it("is zero when every anchor's hardest triplet satisfies the margin", async () => {
    const r = await tripletOf([[1, 0], [0.8, 0.6], [-1, 0], [-0.8, -0.6]], [0, 0, 1, 1], 0.3);
    expect(r.triplet).toBe(0);
    expect(r.active).toBe(0);
  });

  it("matches a hand computation with a larger margin, on inputs that are not unit length", async () => {
    // d(a, a') = √0.4, nearest negative √3.6 for every anchor: loss = √0.4 − √3.6 + 1.5.
    const r = await tripletOf([[3, 0], [0.4, 0.3], [-2, 0], [-8, -6]], [0, 0, 1, 1], 1.5);
    expect(r.triplet).toBeCloseTo(Math.sqrt(0.4) - Math.sqrt(3.6) + 1.5, 4);
    expect(r.active).toBe(1);
  });
});

describe("HeadObjective: cross-entropy and logits", () => {
  it("computes scale · cos against unit prototypes and the mean softmax cross-entropy", async () => {
    const config: HeadConfig = { inputDim: 2, hiddenDim: 0, embedDim: 2, numClasses: 2, scale: 2 };
    const objective = await HeadObjective.create(config, { margin: 0.3, ceWeight: 1 }, { gradients: false });
    try {
      // Prototypes (1, 0) and (0, 3) → unit (1, 0), (0, 1); rows along them.
      const r = await objective.evaluate(
        { w2: Float32Array.of(1, 0, 0, 1), b2: new Float32Array(2), wc: Float32Array.of(1, 0, 0, 3) },
        { x: Float32Array.of(5, 0, 0, 2), labels: Int32Array.of(0, 0) },
      );
      expect(Array.from(r.logits)).toEqual([2, 0, 0, 2]);
      // Row 0 right with logits (2, 0), row 1 wrong with (0, 2).
      const expected = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(2))) / 2;
      expect(r.crossEntropy).toBeCloseTo(expected, 5);
    } finally {
      await objective.dispose();
    }
  });
});

describe("HeadObjective: gradient", () => {
  for (const hiddenDim of [0, 5]) {
    it(`matches float64 central finite differences (hidden ${hiddenDim})`, async () => {
      const config: HeadConfig = { inputDim: 6, hiddenDim, embedDim: 4, numClasses: 3, scale: 4 };
      const loss = { margin: 0.8, ceWeight: 0.7 };
      const n = 9;
      const rng = createRng(11 + hiddenDim);
      const random = (length: number, spread = 1) => Float32Array.from({ length }, () => (rng() * 2 - 1) * spread);
      const projIn = hiddenDim > 0 ? hiddenDim : config.inputDim;
      const params: HeadParams = {
        w2: random(projIn * config.embedDim),
        b2: random(config.embedDim, 0.3),
        wc: random(config.numClasses * config.embedDim),
        ...(hiddenDim > 0 ? { w1: random(config.inputDim * hiddenDim), b1: random(hiddenDim, 0.3) } : {}),
      };
      const x = random(n * config.inputDim, 2);
      const labels = Int32Array.from({ length: n }, (_, i) => i % config.numClasses);
      const hiddenMask = hiddenDim > 0 ? Float32Array.from({ length: n * hiddenDim }, (_, i) => (i % 4 === 0 ? 0 : 2)) : undefined;
      const objective = await HeadObjective.create(config, loss, { gradients: true });
      try {
        const r = await objective.evaluate(params, { x, labels, hiddenMask });
        const asF64 = (p: HeadParams) => ({
          w1: p.w1 && Float64Array.from(p.w1),
          b1: p.b1 && Float64Array.from(p.b1),
          w2: Float64Array.from(p.w2),
          b2: Float64Array.from(p.b2),
          wc: Float64Array.from(p.wc),
        });
        const mask64 = hiddenMask && Float64Array.from(hiddenMask);
        const at = asF64(params);
        const ref = referenceLoss(config, loss, at, Float64Array.from(x), labels, mask64);
        expect(r.total).toBeCloseTo(ref.total, 4);
        expect(r.triplet).toBeCloseTo(ref.triplet, 4);
        expect(r.active).toBeGreaterThan(0); // the triplet term contributes to the gradient
        const h = 1e-4;
        let checked = 0;
        for (const name of ["w1", "b1", "w2", "b2", "wc"] as const) {
          const values = at[name];
          if (!values) continue;
          const analytic = r.gradients![name]!;
          expect(analytic).toHaveLength(values.length);
          for (let i = 0; i < values.length; i++) {
            const keep = values[i]!;
            values[i] = keep + h;
            const plus = referenceLoss(config, loss, at, Float64Array.from(x), labels, mask64).total;
            values[i] = keep - h;
            const minus = referenceLoss(config, loss, at, Float64Array.from(x), labels, mask64).total;
            values[i] = keep;
            const numeric = (plus - minus) / (2 * h);
            expect(Math.abs(analytic[i]! - numeric), `${name}[${i}]: ${analytic[i]} vs ${numeric}`).toBeLessThan(2e-3 + 2e-3 * Math.abs(numeric));
            checked += 1;
          }
        }
        expect(checked).toBeGreaterThanOrEqual(40);
      } finally {
        await objective.dispose();
      }
    });
  }

  it("gives no gradient outputs when created without them", async () => {
    const config: HeadConfig = { inputDim: 2, hiddenDim: 0, embedDim: 2, numClasses: 2, scale: 16 };
    const objective = await HeadObjective.create(config, { margin: 0.3, ceWeight: 1 }, { gradients: false });
    try {
      const r = await objective.evaluate(identityParams(2, 2), { x: Float32Array.of(1, 0, 0, 1), labels: Int32Array.of(0, 1) });
      expect(r.gradients).toBeUndefined();
    } finally {
      await objective.dispose();
    }
  });
});

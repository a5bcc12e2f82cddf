import { describe, expect, it } from "vitest";
import { computeColourPosterior } from "../colour/learned-colour";
import { classifyFeatures } from "../train/linear-classifier";
import { fitLearnedColour } from "./fit-colour";

describe("fitLearnedColour", () => {
  // Four colours in a 3-float descriptor; "Green" is rare (2 train items), the val items are never fitted.
  const spec: [string, "train" | "val", number[]][] = [];
  for (let i = 0; i < 12; i++) spec.push(["Red", "train", [0.9 + 0.01 * (i % 3), 0.1, 0]]);
  for (let i = 0; i < 12; i++) spec.push(["Blue", "train", [0.1, 0.9 + 0.01 * (i % 3), 0]]);
  spec.push(["Green", "train", [0, 0, 1]], ["Green", "train", [0, 0.1, 0.9]], ["Blue", "val", [0.1, 0.9, 0]], ["", "train", [0.5, 0.5, 0]]);
  const items = spec.map(([colour, split]) => ({ split, colour }));
  const colours = Float32Array.from(spec.flatMap(([, , c]) => c));

  it("fits the named train items, leaves rare and empty colours out, and serves what classifyFeatures computes", async () => {
    const learned = (await fitLearnedColour(items, colours, "baseColour", (item) => item.colour, { minCount: 5, l2: 1e-3, maxEvaluations: 100 }))!;
    expect(learned.labels).toEqual(["Blue", "Red"]);
    expect(learned.weights.length).toBe(3);
    expect(learned.weights.every((row) => row.length === 2)).toBe(true);
    expect(computeColourPosterior([0.9, 0.1, 0], learned)[1]).toBeGreaterThan(0.9);
    // The served posterior (lib/colour, plain JS) is the classifier the fit returned (lib/train).
    const classifier = {
      mean: Float32Array.from(learned.mean),
      std: Float32Array.from(learned.std),
      weights: Float32Array.from(learned.weights.flat()),
      bias: Float32Array.from(learned.bias),
    };
    const probe = Float32Array.from([0.3, 0.6, 0.1]);
    const reference = classifyFeatures(classifier, probe);
    const served = computeColourPosterior(probe, learned);
    expect(served[0]).toBeCloseTo(reference[0]!, 5);
    expect(served[1]).toBeCloseTo(reference[1]!, 5);
  });

  it("gives nothing when fewer than two colours are common enough", async () => {
    expect(await fitLearnedColour(items, colours, "baseColour", (item) => item.colour, { minCount: 13, l2: 1e-3, maxEvaluations: 10 })).toBeUndefined();
  });
});

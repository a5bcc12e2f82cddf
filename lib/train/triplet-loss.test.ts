import { tf } from "./tf";
import { beforeAll, describe, expect, it } from "vitest";
import { batchHardTripletLoss } from "./triplet-loss";

function loss(points: number[][], labels: number[], margin: number) {
  return tf.tidy(() => {
    const r = batchHardTripletLoss(tf.tensor2d(points), tf.tensor1d(labels, "int32"), margin);
    return { loss: r.loss.dataSync()[0]!, active: r.activeFraction.dataSync()[0]! };
  });
}

describe("batchHardTripletLoss", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("uses the farthest positive and the nearest negative of each anchor", () => {
    // Unit square corners: every positive is √2 away and the nearest negative is √2 too.
    const r = loss([[1, 0], [0, 1], [-1, 0], [0, -1]], [0, 0, 1, 1], 0.3);
    expect(r.loss).toBeCloseTo(0.3, 5);
    expect(r.active).toBe(1);
  });

  it("is zero when every anchor's hardest triplet satisfies the margin", () => {
    const points = [[1, 0], [0.8, 0.6], [-1, 0], [-0.8, -0.6]];
    const r = loss(points, [0, 0, 1, 1], 0.3);
    expect(r.loss).toBe(0);
    expect(r.active).toBe(0);
  });

  it("matches a hand computation with a larger margin", () => {
    // d(a, a') = √0.4, nearest negative √3.6 for every anchor: loss = √0.4 − √3.6 + 1.5.
    const r = loss([[1, 0], [0.8, 0.6], [-1, 0], [-0.8, -0.6]], [0, 0, 1, 1], 1.5);
    expect(r.loss).toBeCloseTo(Math.sqrt(0.4) - Math.sqrt(3.6) + 1.5, 4);
    expect(r.active).toBe(1);
  });

  it("has gradients that pull positives together and push negatives apart", () => {
    const x = tf.variable(tf.tensor2d([[1, 0], [0, 1], [-1, 0], [0, -1]]));
    const labels = tf.tensor1d([0, 0, 1, 1], "int32");
    const before = loss(x.arraySync() as number[][], [0, 0, 1, 1], 0.3).loss;
    const optimizer = tf.train.sgd(0.05);
    for (let i = 0; i < 20; i++) {
      optimizer.minimize(() => {
        const normalised = tf.div(x, tf.norm(x, 2, 1, true)) as tf.Tensor2D;
        return batchHardTripletLoss(normalised, labels, 0.3).loss;
      });
    }
    const after = tf.tidy(() => tf.div(x, tf.norm(x, 2, 1, true)).arraySync() as number[][]);
    expect(loss(after, [0, 0, 1, 1], 0.3).loss).toBeLessThan(before);
  });
});

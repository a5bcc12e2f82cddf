import { describe, expect, it } from "vitest";
import { denseMatMul } from "./dense";
import { tf } from "./tf";

describe("denseMatMul", () => {
  it("computes x·w and the same gradients as TF.js' built-in MatMul", async () => {
    await tf.setBackend("cpu");
    const x = tf.randomNormal([5, 7], 0, 1, "float32", 1) as tf.Tensor2D;
    const w = tf.randomNormal([7, 3], 0, 1, "float32", 2) as tf.Tensor2D;
    const target = tf.randomNormal([5, 3], 0, 1, "float32", 3);
    const loss = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.sub(tf.tanh(f(a as tf.Tensor2D, b as tf.Tensor2D)), target))) as tf.Scalar;
    const ours = tf.grads(loss(denseMatMul))([x, w]);
    const builtIn = tf.grads(loss((a, b) => tf.matMul(a, b)))([x, w]);
    expect(Array.from(denseMatMul(x, w).dataSync())).toEqual(Array.from(tf.matMul(x, w).dataSync()));
    for (let i = 0; i < 2; i++) {
      const a = ours[i]!.dataSync();
      const b = builtIn[i]!.dataSync();
      expect(a.length).toBe(b.length);
      a.forEach((v, j) => expect(v).toBeCloseTo(b[j]!, 4));
    }
  });

  it("matches a finite-difference gradient", async () => {
    await tf.setBackend("cpu");
    const xData = [0.3, -1.2, 0.7, 0.5, 2.0, -0.4];
    const wData = [0.1, 0.2, -0.3, 0.4, 0.5, -0.6];
    const f = (xs: number[], ws: number[]) =>
      tf.tidy(() => tf.sum(tf.sin(denseMatMul(tf.tensor2d(xs, [2, 3]), tf.tensor2d(ws, [3, 2])))).dataSync()[0]!);
    const [, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.sin(denseMatMul(a as tf.Tensor2D, b as tf.Tensor2D))) as tf.Scalar,
    )([tf.tensor2d(xData, [2, 3]), tf.tensor2d(wData, [3, 2])]);
    const analytic = dw!.dataSync();
    const h = 1e-2;
    wData.forEach((_, j) => {
      const up = [...wData];
      const down = [...wData];
      up[j]! += h;
      down[j]! -= h;
      expect((f(xData, up) - f(xData, down)) / (2 * h)).toBeCloseTo(analytic[j]!, 3);
    });
  });
});

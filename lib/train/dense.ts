import { tf } from "./tf";

/**
 * x·w with a gradient that multiplies explicitly transposed operands. TF.js
 * computes the built-in MatMul gradient with transposed-operand kernels that
 * run 10–20× slower than plain ones on the WebAssembly backend here; this is the
 * same math (dx = dy·wᵀ, dw = xᵀ·dy), checked against the built-in gradient in
 * dense.test.ts.
 */
export const denseMatMul = tf.customGrad((x, w, save) => {
  const xs = x as tf.Tensor2D;
  const ws = w as tf.Tensor2D;
  (save as tf.GradSaveFunc)([xs, ws]);
  return {
    value: tf.matMul(xs, ws),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const grad = dy as tf.Tensor2D;
      return [tf.matMul(grad, tf.transpose(sw)), tf.matMul(tf.transpose(sx), grad)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

import { tf } from "./tf";

export type TripletLossResult = {
  loss: tf.Scalar;
  /** Fraction of anchors whose hardest triplet still violates the margin. */
  activeFraction: tf.Scalar;
};

/**
 * Batch-hard triplet loss (Hermans et al. 2017) on L2-normalised embeddings:
 * for each anchor, the farthest positive and the nearest negative in the batch,
 * loss = mean(max(0, d(a,p) − d(a,n) + margin)) with Euclidean distances.
 */
export function batchHardTripletLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D, margin: number): TripletLossResult {
  return tf.tidy(() => {
    const n = embeddings.shape[0];
    const gram = tf.matMul(embeddings, embeddings, false, true);
    // For unit vectors ||a−b||² = 2 − 2a·b; the epsilon keeps sqrt differentiable at 0.
    const dist = tf.sqrt(tf.add(tf.relu(tf.sub(2, tf.mul(2, gram))), 1e-12));
    const same = tf.equal(tf.expandDims(labels, 1), tf.expandDims(labels, 0));
    const eye = tf.cast(tf.eye(n), "bool");
    const positive = tf.logicalAnd(same, tf.logicalNot(eye));
    const negative = tf.logicalNot(same);
    const hardestPositive = tf.max(tf.where(positive, dist, tf.zerosLike(dist)), 1);
    // Non-negatives get a distance larger than any real one (max possible is 2).
    const hardestNegative = tf.min(tf.where(negative, dist, tf.fill([n, n], 4)), 1);
    const violation = tf.add(tf.sub(hardestPositive, hardestNegative), margin);
    const loss = tf.mean(tf.relu(violation)) as tf.Scalar;
    const activeFraction = tf.mean(tf.cast(tf.greater(violation, 0), "float32")) as tf.Scalar;
    return { loss, activeFraction };
  });
}

/** Small helpers over row-major Float32 matrices (one vector per row). */

/** The given rows of `x`, in that order, as a new matrix. */
export function gatherRows(x: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => out.set(x.subarray(row * dim, (row + 1) * dim), i * dim));
  return out;
}

/** L2-normalises each row of `x` in place (zero rows stay zero) and returns it. */
export function normalizeRowsInPlace(x: Float32Array, dim: number): Float32Array {
  for (let r = 0; r < x.length / dim; r++) {
    let s = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) s += x[j]! * x[j]!;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = r * dim; j < (r + 1) * dim; j++) x[j]! *= inv;
  }
  return x;
}

/** Row-wise L2 normalisation into a new matrix. */
export function normalizeRows(x: Float32Array, dim: number): Float32Array {
  return normalizeRowsInPlace(Float32Array.from(x), dim);
}

/** Cosine similarity of two vectors of the same length (NaN when either is all zeros). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

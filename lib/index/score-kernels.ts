// Every kernel accumulates each (query, row) pair in one float64 sum in index
// order, so single, masked and batch paths give bit-identical scores. The speed
// comes from sharing loads across pairs (one query value feeds 4 rows, or one
// row value feeds 4 queries), not from splitting a sum.

// Catalog rows per block in the batch kernel: sized so a block stays in a 256 KiB cache
// while every query group streams over it.
const BLOCK_BYTES = 256 * 1024;

/** Inner product of `q` with row `row` of `v` (row-major, `dim` wide), in one float64 sum. */
export function dotRow(q: Float32Array, v: Float32Array, dim: number, row: number): number {
  const base = row * dim;
  let acc = 0;
  for (let i = 0; i < dim; i++) acc += f32(q, i) * f32(v, base + i);
  return acc;
}

function scoreFourRows(
  q: Float32Array, v: Float32Array, dim: number, out: Float32Array,
  r0: number, r1: number, r2: number, r3: number,
): void {
  const b0 = r0 * dim, b1 = r1 * dim, b2 = r2 * dim, b3 = r3 * dim;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (let i = 0; i < dim; i++) {
    const x = f32(q, i);
    a0 += x * f32(v, b0 + i);
    a1 += x * f32(v, b1 + i);
    a2 += x * f32(v, b2 + i);
    a3 += x * f32(v, b3 + i);
  }
  out[r0] = a0;
  out[r1] = a1;
  out[r2] = a2;
  out[r3] = a3;
}

/** Fills out[r] = q · v_r for every row, 4 rows per pass. */
export function scoreAllRows(q: Float32Array, v: Float32Array, dim: number, out: Float32Array): void {
  const n = out.length;
  let r = 0;
  for (; r + 3 < n; r += 4) scoreFourRows(q, v, dim, out, r, r + 1, r + 2, r + 3);
  for (; r < n; r++) out[r] = dotRow(q, v, dim, r);
}

/** Scores only rows the mask lets through, 4 at a time; other entries of `out` are left stale. */
export function scoreMaskedRows(q: Float32Array, v: Float32Array, dim: number, out: Float32Array, mask: Uint8Array): void {
  const n = out.length;
  let p0 = -1, p1 = -1, p2 = -1;
  let pending = 0;
  for (let r = 0; r < n; r++) {
    if (u8(mask, r) === 0) continue;
    if (pending === 0) p0 = r;
    else if (pending === 1) p1 = r;
    else if (pending === 2) p2 = r;
    else {
      scoreFourRows(q, v, dim, out, p0, p1, p2, r);
      pending = 0;
      continue;
    }
    pending++;
  }
  if (pending > 0) out[p0] = dotRow(q, v, dim, p0);
  if (pending > 1) out[p1] = dotRow(q, v, dim, p1);
  if (pending > 2) out[p2] = dotRow(q, v, dim, p2);
}

/** Fills out[j * n + r] = queries_j · v_r for m queries and n rows, block by block. */
export function scoreQueryBlock(
  queries: Float32Array, m: number, v: Float32Array, dim: number, n: number, out: Float32Array,
): void {
  const block = Math.max(8, Math.floor(BLOCK_BYTES / (dim * 4)) & ~1);
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block);
    let j = 0;
    for (; j + 3 < m; j += 4) scoreFourQueries(queries, j, v, dim, n, r0, r1, out);
    for (; j < m; j++) {
      const q = queries.subarray(j * dim, (j + 1) * dim);
      const row = out.subarray(j * n, (j + 1) * n);
      for (let r = r0; r < r1; r++) row[r] = dotRow(q, v, dim, r);
    }
  }
}

/** Queries j..j+3 against rows r0..r1-1, two rows per pass (8 independent sums). */
function scoreFourQueries(
  qs: Float32Array, j: number, v: Float32Array, dim: number, n: number, r0: number, r1: number, out: Float32Array,
): void {
  const q0 = j * dim, q1 = q0 + dim, q2 = q1 + dim, q3 = q2 + dim;
  const o0 = j * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
  let r = r0;
  for (; r + 1 < r1; r += 2) {
    const b = r * dim, c = b + dim;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    for (let i = 0; i < dim; i++) {
      const x = f32(v, b + i), y = f32(v, c + i);
      const e0 = f32(qs, q0 + i), e1 = f32(qs, q1 + i), e2 = f32(qs, q2 + i), e3 = f32(qs, q3 + i);
      a0 += e0 * x; a1 += e1 * x; a2 += e2 * x; a3 += e3 * x;
      d0 += e0 * y; d1 += e1 * y; d2 += e2 * y; d3 += e3 * y;
    }
    out[o0 + r] = a0; out[o1 + r] = a1; out[o2 + r] = a2; out[o3 + r] = a3;
    out[o0 + r + 1] = d0; out[o1 + r + 1] = d1; out[o2 + r + 1] = d2; out[o3 + r + 1] = d3;
  }
  if (r < r1) {
    for (let t = 0; t < 4; t++) {
      const q = qs.subarray((j + t) * dim, (j + t + 1) * dim);
      out[(j + t) * n + r] = dotRow(q, v, dim, r);
    }
  }
}

// Typed element reads for hot loops (bounds are guaranteed by the callers).
function f32(a: Float32Array, i: number): number {
  return a[i] as number;
}
function u8(a: Uint8Array, i: number): number {
  return a[i] as number;
}

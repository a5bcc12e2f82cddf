/** Seeded 2-D value noise and fractal sums of it, the raw material of the procedural scenes. */

function hashLattice(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(seed, 0x27d4eb2d);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smoothly interpolated lattice noise in [0, 1); one lattice cell per unit of x and y. */
export function sampleValueNoise(x: number, y: number, seed: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const a = hashLattice(x0, y0, seed);
  const b = hashLattice(x0 + 1, y0, seed);
  const c = hashLattice(x0, y0 + 1, seed);
  const d = hashLattice(x0 + 1, y0 + 1, seed);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

/** Fractal Brownian motion: `octaves` layers of value noise, each twice as fine and half as strong; in [0, 1). */
export function sampleFbm(x: number, y: number, seed: number, octaves = 4): number {
  let sum = 0;
  let amplitude = 0.5;
  let norm = 0;
  let f = 1;
  for (let o = 0; o < octaves; o++) {
    sum += amplitude * sampleValueNoise(x * f, y * f, seed + o * 1013);
    norm += amplitude;
    amplitude *= 0.5;
    f *= 2;
  }
  return sum / norm;
}

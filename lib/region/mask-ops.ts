/** Small raster operations on single-channel w×h float or 0/1 masks. */

/** Mean over a (2r+1)² window, clamped at the edges (separable, two passes). */
export function blurBox(values: Float32Array, width: number, height: number, radius: number): Float32Array {
  if (radius <= 0) return values.slice();
  const tmp = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      let n = 0;
      for (let dx = -radius; dx <= radius; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= width) continue;
        s += values[y * width + xx]!;
        n++;
      }
      tmp[y * width + x] = s / n;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        s += tmp[yy * width + x]!;
        n++;
      }
      out[y * width + x] = s / n;
    }
  }
  return out;
}

/** Otsu's threshold of `values` over [lo, hi] (values outside are clamped), with `bins` histogram bins. */
export function thresholdOtsu(values: Float32Array, lo: number, hi: number, bins = 64): number {
  const hist = new Float64Array(bins);
  const span = Math.max(hi - lo, 1e-9);
  for (const v of values) {
    const b = Math.min(Math.max(Math.floor(((v - lo) / span) * bins), 0), bins - 1);
    hist[b]!++;
  }
  const total = values.length;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * hist[b]!;
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let bestB = bins / 2;
  for (let b = 0; b < bins - 1; b++) {
    wB += hist[b]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += b * hist[b]!;
    const between = wB * wF * (sumB / wB - (sumAll - sumB) / wF) ** 2;
    if (between > best) {
      best = between;
      bestB = b;
    }
  }
  return lo + ((bestB + 1) / bins) * span;
}

/** 4-connected components of a 0/1 mask: a label per pixel (-1 = background) and each component's size. */
export function labelComponents(mask: Uint8Array, width: number, height: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(mask.length).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  let id = 0;
  // One closure for the whole labelling, not an array per pixel.
  const visit = (q: number) => {
    if (!mask[q] || labels[q]! >= 0) return;
    labels[q] = id;
    stack.push(q);
  };
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]! >= 0) continue;
    id = sizes.length;
    let size = 0;
    labels[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const x = p % width;
      const y = (p - x) / width;
      if (x > 0) visit(p - 1);
      if (x < width - 1) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y < height - 1) visit(p + width);
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

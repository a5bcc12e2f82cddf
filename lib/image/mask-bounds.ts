/** A rectangle in whole pixels. */
export type PixelBox = { x: number; y: number; w: number; h: number };

/** The bounding box of a row-major mask's non-zero pixels (null when there are none) and how many there are. */
export function measureMaskBounds(mask: ArrayLike<number>, width: number): { box: PixelBox | null; count: number } {
  let count = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    count++;
    const x = p % width;
    const y = (p - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { box: count === 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 }, count };
}

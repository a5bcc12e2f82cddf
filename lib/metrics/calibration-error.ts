/** A predicted probability and what happened. */
export type Forecast = { p: number; relevant: boolean };

/**
 * Expected calibration error over `bins` equal-width bins of the predicted probability:
 * Σ (bin share) × |bin's share relevant − bin's mean prediction|. 0 is perfect.
 */
export function computeCalibrationError(forecasts: readonly Forecast[], bins = 10): number {
  if (forecasts.length === 0) return 0;
  const n = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (const { p, relevant } of forecasts) {
    // p = 1 belongs to the last bin, not an eleventh.
    const b = Math.min(Math.floor(p * bins), bins - 1);
    n[b]! += 1;
    sumP[b]! += p;
    sumY[b]! += relevant ? 1 : 0;
  }
  let error = 0;
  for (let b = 0; b < bins; b++) {
    if (n[b] === 0) continue;
    error += (n[b]! / forecasts.length) * Math.abs(sumY[b]! / n[b]! - sumP[b]! / n[b]!);
  }
  return error;
}

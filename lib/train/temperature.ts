/** Temperatures tried, log-spaced from sharpening (0.5) to strong flattening (8). */
const TEMPERATURES = Array.from({ length: 25 }, (_, i) => 0.5 * 2 ** (i / 6));

/** Mean negative log-likelihood of `labels` under p^(1/T), renormalised; probabilities row-major [n, classes]. */
export function computeTemperedNll(probabilities: Float32Array, labels: Int32Array, temperature: number): number {
  const classes = probabilities.length / Math.max(labels.length, 1);
  let nll = 0;
  for (let r = 0; r < labels.length; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.max(probabilities[r * classes + c]!, 1e-12) ** (1 / temperature);
    nll -= Math.log(Math.max(probabilities[r * classes + labels[r]!]!, 1e-12) ** (1 / temperature) / sum);
  }
  return nll / Math.max(labels.length, 1);
}

/**
 * Temperature scaling (Guo et al., 2017) fitted by grid search: the T whose tempered
 * probabilities give the held-out labels the lowest mean negative log-likelihood.
 */
export function fitTemperature(probabilities: Float32Array, labels: Int32Array): { temperature: number; nll: number; nllAtOne: number } {
  let best = { temperature: 1, nll: computeTemperedNll(probabilities, labels, 1) };
  const nllAtOne = best.nll;
  for (const temperature of TEMPERATURES) {
    const nll = computeTemperedNll(probabilities, labels, temperature);
    if (nll < best.nll) best = { temperature: Number(temperature.toFixed(3)), nll };
  }
  return { ...best, nllAtOne };
}

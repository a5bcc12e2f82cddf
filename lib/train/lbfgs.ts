/** The value of a smooth function and its gradient at a point. */
export type Objective = (x: Float64Array) => Promise<{ value: number; gradient: Float64Array }>;

export type LbfgsOptions = {
  /** Most gradient evaluations (line-search trials included). */
  maxEvaluations: number;
  /** Pairs of (step, gradient change) kept for the inverse-Hessian estimate. */
  history?: number;
  /** Stop when the largest gradient component falls below this. */
  gradientTolerance?: number;
  /** Stop when an accepted step lowers the value by less than this, relatively. */
  valueTolerance?: number;
};

export type LbfgsResult = { x: Float64Array; value: number; evaluations: number; iterations: number };

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Limited-memory BFGS (Nocedal & Wright, algorithm 7.4: two-loop recursion) with a
 * backtracking line search on the Armijo condition; pairs that break the curvature
 * condition are skipped, so the direction stays a descent direction. Deterministic.
 */
export async function minimizeLbfgs(f: Objective, start: Float64Array, options: LbfgsOptions): Promise<LbfgsResult> {
  const m = options.history ?? 10;
  const gradTol = options.gradientTolerance ?? 1e-6;
  const valueTol = options.valueTolerance ?? 1e-9;
  const n = start.length;
  let x = Float64Array.from(start);
  let { value, gradient } = await f(x);
  let evaluations = 1;
  let iterations = 0;
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const direction = new Float64Array(n);
  const alphas = new Float64Array(m);

  while (evaluations < options.maxEvaluations) {
    let largest = 0;
    for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(gradient[j]!));
    if (largest < gradTol) break;
    // Two-loop recursion: direction = −H·gradient.
    direction.set(gradient);
    for (let i = steps.length - 1; i >= 0; i--) {
      alphas[i] = rhos[i]! * dot(steps[i]!, direction);
      const y = changes[i]!;
      for (let j = 0; j < n; j++) direction[j]! -= alphas[i]! * y[j]!;
    }
    const last = steps.length - 1;
    const gamma = last >= 0 ? dot(steps[last]!, changes[last]!) / dot(changes[last]!, changes[last]!) : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    for (let j = 0; j < n; j++) direction[j]! *= gamma;
    for (let i = 0; i < steps.length; i++) {
      const beta = rhos[i]! * dot(changes[i]!, direction);
      const s = steps[i]!;
      for (let j = 0; j < n; j++) direction[j]! += s[j]! * (alphas[i]! - beta);
    }
    for (let j = 0; j < n; j++) direction[j] = -direction[j]!;
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      steps.length = changes.length = rhos.length = 0;
      for (let j = 0; j < n; j++) direction[j] = -gradient[j]!;
      slope = dot(gradient, direction);
    }
    // Backtracking line search from the full quasi-Newton step.
    let t = 1;
    let next: { value: number; gradient: Float64Array } | undefined;
    let candidate = new Float64Array(n);
    while (evaluations < options.maxEvaluations) {
      for (let j = 0; j < n; j++) candidate[j] = x[j]! + t * direction[j]!;
      const trial = await f(candidate);
      evaluations += 1;
      if (Number.isFinite(trial.value) && trial.value <= value + 1e-4 * t * slope) {
        next = trial;
        break;
      }
      t *= 0.5;
    }
    if (!next) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = candidate[j]! - x[j]!;
      y[j] = next.gradient[j]! - gradient[j]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      steps.push(s);
      changes.push(y);
      rhos.push(1 / sy);
      if (steps.length > m) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
    }
    const decrease = value - next.value;
    [x, candidate] = [candidate, x];
    value = next.value;
    gradient = next.gradient;
    iterations += 1;
    if (decrease <= valueTol * Math.max(1, Math.abs(value))) break;
  }
  return { x, value, evaluations, iterations };
}

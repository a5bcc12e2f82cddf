import { OrtScorer, type OrtScorerOptions } from "./ort-scorer";

/**
 * The onnxruntime scorer of one index's rows through its life: built once on
 * demand, never built after release, and released after a grace period so
 * searches already running on it finish. A failed build leaves `current`
 * undefined, and the caller keeps to its JavaScript kernel.
 */
export class AcceleratedScorer {
  private building?: Promise<boolean>;
  private scorer?: OrtScorer;
  private released = false;

  constructor(
    private readonly vectors: Float32Array,
    private readonly dim: number,
  ) {}

  /** The scorer once `prepare` has succeeded, until `release`. */
  get current(): OrtScorer | undefined {
    return this.scorer;
  }

  /** Builds the scorer (once); resolves whether it is in use. */
  prepare(options: OrtScorerOptions = {}): Promise<boolean> {
    this.building ??= OrtScorer.create(this.vectors, this.dim, options).then(
      async (scorer) => {
        if (this.released) {
          await scorer.release();
          return false;
        }
        this.scorer = scorer;
        return true;
      },
      (error: unknown) => {
        console.warn("[index] onnxruntime scorer unavailable, searching with the JavaScript kernel:", error);
        return false;
      },
    );
    return this.building;
  }

  /** Stops handing the scorer out now and releases its session (its copy of the rows) after `graceMs`. */
  release(graceMs: number): void {
    const scorer = this.scorer;
    this.scorer = undefined;
    this.released = true;
    this.building ??= Promise.resolve(false);
    if (scorer) setTimeout(() => void scorer.release().catch(() => undefined), graceMs).unref();
  }
}

import type { Config } from "../../lib/config";
import type { BenchName, Figure, Target } from "./result";

export type BenchContext = {
  config: Config;
  /** Small sizes for a smoke run; figures are then not comparable with the full run. */
  quick: boolean;
  /** Scratch folder under tmp/ (git-ignored). */
  workDir: string;
  log: (message: string) => void;
  /** Commit whose clean export the HTTP and cold-start benchmarks serve (default HEAD). */
  appCommit?: string;
  /** Catalog sizes for the scale benchmark (default 100K and 1M; quick: 10K and 50K). */
  scaleSizes?: number[];
};

/** What one benchmark measures; run.ts adds the date, machine, load and command. */
export type BenchOutcome = {
  details: Record<string, string | number>;
  figures: Figure[];
  targets: Target[];
  triedDidNotPay: string[];
  notes: string[];
};

export type Bench = {
  name: BenchName;
  title: string;
  /** How to read the figures (fixed text, no numbers: it must stay true on every rerun). */
  caveats?: string[];
  run(ctx: BenchContext): Promise<BenchOutcome>;
};

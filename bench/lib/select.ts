import { AppError } from "../../lib/errors";
import { benchNames, type BenchName } from "./result";

/** The benchmarks named by --only (all when absent), in the canonical order. */
export function selectBenches(only: string | undefined): BenchName[] {
  if (only === undefined) return [...benchNames];
  const wanted = only.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !(benchNames as readonly string[]).includes(name));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new AppError("bad_request", `--only: unknown benchmark ${unknown.join(", ") || "(none)"}; choose from ${benchNames.join(", ")}`);
  }
  return benchNames.filter((name) => wanted.includes(name));
}

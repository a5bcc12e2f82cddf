import { readFile } from "node:fs/promises";
import path from "node:path";

/** Where `npm run eval` writes its reports (reports/eval.{json,md,svg}). */
export const DEFAULT_REPORTS_DIR = "reports";

/**
 * The latest evaluation's chart (`eval.svg`, written by renderEvalSvg) as a data URL
 * an <img> can show, or undefined when no evaluation has been run here.
 */
export async function readEvalChart(reportsDir = DEFAULT_REPORTS_DIR): Promise<string | undefined> {
  try {
    const svg = await readFile(path.join(reportsDir, "eval.svg"));
    return `data:image/svg+xml;base64,${svg.toString("base64")}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { CatalogItem } from "../catalog/types";
import { pathExists, readJson } from "../fs/atomic";

const perLabelSchema = z.array(z.object({ label: z.string(), queries: z.number(), pAt5: z.number() }));

/** The parts of reports/eval.json (lib/metrics/report.ts EvalResult) the console shows; anything else is ignored. */
const evalReportSchema = z.object({
  title: z.string(),
  facts: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  variants: z
    .array(
      z.object({
        name: z.string(),
        perLabel: perLabelSchema,
        byRelevance: z.array(z.object({ key: z.string(), perLabel: perLabelSchema })).optional(),
      }),
    )
    .min(1),
});

export type CategoryQuality = { label: string; items: number; queries: number; pAt5: number | null; typeColourPAt5: number | null };

export type QualitySummary = {
  report: { title: string; variant: string; facts: Record<string, string | number>; chartSvg: string | null } | null;
  categories: CategoryQuality[];
};

/** The relevance key of "same type and baseColour" in the report (lib/metrics/attribute-relevance.ts). */
const TYPE_COLOUR = "type+colour";

/**
 * Per-category quality from the latest evaluation report in `reportsDir` (eval.json, and its
 * chart eval.svg): P@5 of the served configuration (the report's last variant) and, where the
 * report has it, P@5 by same type and colour; every label of the catalog now is listed, worst
 * P@5 first, those the protocol left out last. No report: every category with nulls.
 */
export async function summariseQuality(reportsDir: string, items: readonly CatalogItem[]): Promise<QualitySummary> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
  const file = path.join(reportsDir, "eval.json");
  const report = (await pathExists(file)) ? await readJson(file, evalReportSchema) : undefined;
  const served = report?.variants.at(-1);
  const byLabel = new Map(served?.perLabel.map((row) => [row.label, row]) ?? []);
  const colour = new Map(served?.byRelevance?.find((r) => r.key === TYPE_COLOUR)?.perLabel.map((row) => [row.label, row.pAt5]) ?? []);
  const labels = new Set([...counts.keys(), ...byLabel.keys()]);
  const categories = [...labels].map((label) => ({
    label,
    items: counts.get(label) ?? 0,
    queries: byLabel.get(label)?.queries ?? 0,
    pAt5: byLabel.get(label)?.pAt5 ?? null,
    typeColourPAt5: colour.get(label) ?? null,
  }));
  categories.sort((a, b) => (a.pAt5 ?? 2) - (b.pAt5 ?? 2) || b.items - a.items || (a.label < b.label ? -1 : 1));
  if (!report || !served) return { report: null, categories };
  const chartSvg = await fs.readFile(path.join(reportsDir, "eval.svg"), "utf8").catch(() => null);
  return { report: { title: report.title, variant: served.name, facts: report.facts ?? {}, chartSvg }, categories };
}

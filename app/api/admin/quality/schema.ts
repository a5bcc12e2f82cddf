import { z } from "zod";
import { apiRegistry } from "../../registry";

/** GET /api/admin/quality takes no parameters (any is refused, so a typo is not silently ignored). */
export const qualityQuerySchema = z.strictObject({});

export const confusedPairSchema = z
  .object({
    labels: z.tuple([z.string(), z.string()]).describe("The two categories, in name order"),
    count: z.number().int().min(0).describe("Products of either that the model places in the other (classifier and neighbour vote)"),
    aToB: z.number().int().min(0).describe("Filed under labels[0], placed in labels[1]"),
    bToA: z.number().int().min(0).describe("Filed under labels[1], placed in labels[0]"),
    share: z.number().min(0).max(1).describe("count over the products the two hold together"),
    examples: z.array(z.string()).max(5).describe("Up to 5 of those products, most suspicious first"),
  })
  .register(apiRegistry, { id: "ConfusedPair" });

export const categoryQualitySchema = z.object({
  label: z.string(),
  items: z.number().int().min(0).describe("Products with this label in the catalog now"),
  queries: z.number().int().min(0).describe("Test queries of this label in the report (0: not in the protocol)"),
  pAt5: z.number().min(0).max(1).nullable().describe("Precision@5, same label, of the served ranking in the latest report"),
  typeColourPAt5: z.number().min(0).max(1).nullable().describe("Precision@5, same label and baseColour, where the report has it"),
});

export const qualityResponseSchema = z
  .object({
    report: z
      .object({
        title: z.string(),
        variant: z.string().describe("The evaluated configuration the per-category numbers are of (the served one)"),
        facts: z.record(z.string(), z.union([z.string(), z.number()])),
        chartSvg: z.string().nullable().describe("The report's per-category chart (SVG markup written by npm run eval), null when absent"),
      })
      .nullable()
      .describe("The latest evaluation report (REPORTS_DIR/eval.json); null when npm run eval has not been run"),
    categories: z.array(categoryQualitySchema).describe("Worst P@5 first; categories the report lacks last"),
    confusedPairs: z.array(confusedPairSchema).describe("Most confused first, computed over the catalog now"),
    catalogVersion: z.string(),
  })
  .register(apiRegistry, { id: "QualityResponse" });
export type QualityResponse = z.infer<typeof qualityResponseSchema>;

import { z } from "zod";
import { apiRegistry } from "../../registry";
import { pageQuerySchema } from "../schema";

/** Query of GET /api/admin/suspects. */
export const suspectsQuerySchema = z.strictObject(pageQuerySchema(50, 500));
export type SuspectsQuery = z.infer<typeof suspectsQuerySchema>;

export const suspectSchema = z
  .object({
    id: z.string(),
    label: z.string().describe("The item's label now"),
    suggested: z.string().describe("The label the evidence favours instead"),
    score: z.number().min(0).max(1).describe("Suspicion: the share of the item's nearest neighbours that carry another label; equal scores are ordered by the classifier's probability of the suggested label (decision 0019)"),
    classifier: z
      .object({ own: z.number().min(0).max(1), suggested: z.number().min(0).max(1) })
      .nullable()
      .describe("The served classifier's calibrated probabilities of the item's own photo for its label and the suggested one; null when the model has no classifier or does not know the label"),
    votes: z
      .object({
        k: z.number().int().min(0).describe("Neighbours that voted (the item's nearest other products, byte-identical copies of its photo left out)"),
        own: z.number().int().min(0).describe("Of them, carrying the item's label"),
        suggested: z.number().int().min(0).describe("Of them, carrying the suggested label"),
      }),
    neighbours: z.array(z.string()).max(5).describe("Up to 5 of the nearest neighbours carrying the suggested label, nearest first"),
    productDisplayName: z.string(),
    imageUrl: z.string().describe("Path of the product photo, /api/images/{id}"),
  })
  .register(apiRegistry, { id: "Suspect", description: "A product whose own photo the model places in another category: relabel it with PATCH /api/items/{id}, or dismiss it" });
export type SuspectResponse = z.infer<typeof suspectSchema>;

export const suspectsResponseSchema = z
  .object({
    suspects: z.array(suspectSchema).describe("Most suspicious first; dismissed ones left out"),
    total: z.number().int().min(0).describe("Suspects in the whole ranking (dismissed ones left out)"),
    dismissed: z.number().int().min(0).describe("Suspects left out because they were dismissed under the label they still have"),
    catalogVersion: z.string().describe("Identifies the catalog state ranked; it changes with every add, edit or removal"),
    classifier: z.boolean().describe("False when the served model has no classifier: the ranking is the neighbour vote alone"),
  })
  .register(apiRegistry, { id: "SuspectsResponse" });
export type SuspectsResponse = z.infer<typeof suspectsResponseSchema>;

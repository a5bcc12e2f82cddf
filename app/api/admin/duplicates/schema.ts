import { z } from "zod";
import { apiRegistry } from "../../registry";
import { curationItemSchema, pageQuerySchema } from "../schema";

const THRESHOLD_MESSAGE = "threshold must be a number from 0.9 to 1";

/** Query of GET /api/admin/duplicates. */
export const duplicatesQuerySchema = z.strictObject({
  threshold: z
    .string({ error: THRESHOLD_MESSAGE })
    .regex(/^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$/, { error: THRESHOLD_MESSAGE })
    .default("0.97")
    .transform(Number)
    .pipe(z.number().min(0.9, { error: THRESHOLD_MESSAGE }).max(1, { error: THRESHOLD_MESSAGE }))
    .describe("Cosine similarity from which two products are near-duplicates (default 0.97, as on add)"),
  ...pageQuerySchema(50, 500),
});
export type DuplicatesQuery = z.infer<typeof duplicatesQuerySchema>;

export const duplicateGroupSchema = z
  .object({
    items: z.array(curationItemSchema).min(2).describe("The group's products, in catalog order"),
    maxScore: z.number().describe("Highest cosine between two members"),
    samePhoto: z.boolean().describe("All members share one byte-identical photo"),
  })
  .register(apiRegistry, { id: "DuplicateGroup", description: "Products whose photos are near-identical (single linkage: chains join); keep one, delete the others with DELETE /api/items/{id}" });

export const duplicatesResponseSchema = z
  .object({
    threshold: z.number(),
    groups: z.array(duplicateGroupSchema).describe("Largest first, then the closest"),
    total: z.number().int().min(0).describe("Groups in all"),
    itemsInGroups: z.number().int().min(0),
    blank: z.array(curationItemSchema).describe("Products whose photo shows nothing (flagged at ingest): never a search result"),
    catalogVersion: z.string(),
  })
  .register(apiRegistry, { id: "DuplicatesResponse" });
export type DuplicatesResponse = z.infer<typeof duplicatesResponseSchema>;

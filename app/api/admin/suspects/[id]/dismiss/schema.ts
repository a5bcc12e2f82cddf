import { z } from "zod";
import { apiRegistry, itemIdSchema } from "../../../../registry";

export const dismissPathSchema = z.object({ id: itemIdSchema });

export const dismissResponseSchema = z
  .object({
    id: z.string(),
    dismissed: z.boolean().describe("Whether the product is dismissed now"),
    label: z.string().optional().describe("POST: the label it was kept under (a later relabel makes it a candidate again)"),
    at: z.string().optional().describe("POST: when, ISO 8601"),
    changed: z.boolean().optional().describe("DELETE: false when it was not dismissed (nothing to undo)"),
  })
  .register(apiRegistry, { id: "DismissResponse", description: "POST dismisses a suspect (durable when answered), DELETE undoes it" });
export type DismissResponse = z.infer<typeof dismissResponseSchema>;

import { z } from "zod";
import { catalogItemSchema } from "@/lib/catalog/types";
import { errorCodes } from "@/lib/errors";
import { apiRegistry } from "./registry";

// The admin API's answers. The route helpers (items/schema.ts) build them; the OpenAPI
// test checks their types match these, so the document cannot drift from the code.

export const itemResponseSchema = catalogItemSchema
  .extend({ imageUrl: z.string().describe("Path of the product photo, /api/images/{id}") })
  .register(apiRegistry, { id: "Item", description: "A catalog product as the admin API answers it" });

export const nearDuplicateSchema = z
  .object({ id: z.string(), score: z.number().describe("Cosine similarity to the new photo"), productDisplayName: z.string() })
  .register(apiRegistry, { id: "NearDuplicate", description: "An existing product whose photo is nearly the same" });

const addStatusSchema = z
  .enum(["added", "replaced", "unchanged"])
  .describe("unchanged: the same id with the same photo and fields was already there");

export const addResponseSchema = z
  .object({ item: itemResponseSchema, status: addStatusSchema, duplicates: z.array(nearDuplicateSchema) })
  .register(apiRegistry, { id: "AddResponse" });

export const patchResponseSchema = z.object({ item: itemResponseSchema }).register(apiRegistry, { id: "PatchResponse" });

/** The answer to GET /api/items/{id}. */
export const itemGetResponseSchema = z.object({ item: itemResponseSchema }).register(apiRegistry, { id: "ItemResponse" });

export const deleteResponseSchema = z
  .object({ removed: z.string().describe("The id removed") })
  .register(apiRegistry, { id: "DeleteResponse" });

/** One line of the NDJSON answer to POST /api/items/import. */
export const importLineSchema = z
  .discriminatedUnion("type", [
    z
      .object({ type: z.literal("item"), line: z.number(), id: z.string(), status: addStatusSchema, duplicates: z.array(nearDuplicateSchema) })
      .describe("A CSV row stored; durable once this line is out"),
    z
      .object({ type: z.literal("error"), line: z.number().optional(), id: z.string().optional(), image: z.string().optional(), message: z.string() })
      .describe("A row or photo refused; the rest of the import goes on"),
    z
      .object({
        type: z.literal("done"),
        rows: z.number(),
        added: z.number(),
        replaced: z.number(),
        unchanged: z.number(),
        errors: z.number(),
      })
      .describe("The last line of a complete import"),
    z
      .object({ type: z.literal("failed"), code: z.enum(errorCodes), message: z.string() })
      .describe("The import stopped part way (rows before it are kept); rerun it to complete"),
  ])
  .register(apiRegistry, { id: "ImportLine", description: "One JSON object per line of application/x-ndjson" });

/** The URL a product photo is served from. */
export function toImageUrl(id: string): string {
  return `/api/images/${encodeURIComponent(id)}`;
}

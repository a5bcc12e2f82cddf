import { z } from "zod";
import type { CatalogItem } from "@/lib/catalog/types";
import type { AddResult } from "@/lib/live/catalog-editor";
import { newItemFieldsSchema } from "@/lib/live/item-fields";
import { toImageUrl } from "../schema";

const booleanParam = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((value) => value === "true");

/** Query parameters of POST /api/items and POST /api/items/import. */
export const addQuerySchema = z.strictObject({
  rejectDuplicates: booleanParam.optional().describe("Refuse the product when a near-duplicate exists (default false)"),
  duplicateThreshold: z.coerce
    .number({ error: "duplicateThreshold must be a number from 0.5 to 1" })
    .min(0.5, { error: "duplicateThreshold must be a number from 0.5 to 1" })
    .max(1, { error: "duplicateThreshold must be a number from 0.5 to 1" })
    .optional()
    .describe("Cosine similarity from which an existing product counts as a near-duplicate (default 0.97)"),
});

/** The text fields of POST /api/items (the photo comes in the `image` file field). */
export const addFieldsSchema = newItemFieldsSchema;

/** Cap on a single-product request: the photo plus its fields. */
export const ADD_MAX_BYTES_OVERHEAD = 64 * 1024;

/** A product as the admin API answers it. */
export function toItemResponse(item: CatalogItem) {
  return { ...item, imageUrl: toImageUrl(item.id) };
}

/** The answer to POST /api/items. */
export function toAddResponse(result: AddResult) {
  return { item: toItemResponse(result.item), status: result.status, duplicates: result.duplicates };
}

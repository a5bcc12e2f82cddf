import { z } from "zod";

/**
 * Ids of products added through the admin API or the CLI: they end up in URLs and
 * logs, never in file names (photos are stored by content hash).
 */
export const newItemIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: "id must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit" });

const text = (max: number) => z.string().trim().max(max, { error: `at most ${max} characters` });

/** Metadata of a new product: the data set's columns; articleType and productDisplayName are required. */
export const newItemFieldsSchema = z.object({
  id: newItemIdSchema,
  productDisplayName: text(300).min(1, { error: "productDisplayName is required" }),
  articleType: text(100).min(1, { error: "articleType is required" }),
  gender: text(100).default(""),
  masterCategory: text(100).default(""),
  subCategory: text(100).default(""),
  baseColour: text(100).default(""),
  season: text(100).default(""),
  year: text(20).default(""),
  usage: text(100).default(""),
});
export type NewItemFields = z.infer<typeof newItemFieldsSchema>;

/** A metadata change: any field but the id, at least one. */
export const itemPatchSchema = z
  .strictObject({
    productDisplayName: text(300).min(1).optional(),
    articleType: text(100).min(1).optional(),
    gender: text(100).optional(),
    masterCategory: text(100).optional(),
    subCategory: text(100).optional(),
    baseColour: text(100).optional(),
    season: text(100).optional(),
    year: text(20).optional(),
    usage: text(100).optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { error: "Change at least one field" });
export type ItemPatch = z.infer<typeof itemPatchSchema>;

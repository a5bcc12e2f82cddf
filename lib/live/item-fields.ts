import { z } from "zod";
import { buildRecord, type ProductField } from "../catalog/types";

/**
 * Ids of products added through the admin API or the CLI: they end up in URLs and
 * logs, never in file names (photos are stored by content hash).
 */
export const newItemIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: "id must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit" });

const text = (max: number) => z.string().trim().max(max, { error: `at most ${max} characters` });

/** The longest value of each field, in the order the admin API has always listed them. */
const maxLength = {
  productDisplayName: 300,
  articleType: 100,
  gender: 100,
  masterCategory: 100,
  subCategory: 100,
  baseColour: 100,
  season: 100,
  year: 20,
  usage: 100,
} as const satisfies Record<ProductField, number>;
const editableFields = Object.keys(maxLength) as ProductField[];
/** A product needs an article type (its default label) and a name; the rest may stay empty. */
export const requiredFields: readonly ProductField[] = ["articleType", "productDisplayName"];
const isRequired = (field: ProductField) => requiredFields.includes(field);

/** Metadata of a new product: the data set's columns; articleType and productDisplayName are required. */
export const newItemFieldsSchema = z.object({
  id: newItemIdSchema,
  ...buildRecord(editableFields, (field) =>
    isRequired(field) ? text(maxLength[field]).min(1, { error: `${field} is required` }) : text(maxLength[field]).default(""),
  ),
});
export type NewItemFields = z.infer<typeof newItemFieldsSchema>;

/** A metadata change: any field but the id, at least one. */
export const itemPatchSchema = z
  .strictObject(buildRecord(editableFields, (field) => (isRequired(field) ? text(maxLength[field]).min(1) : text(maxLength[field])).optional()))
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { error: "Change at least one field" });
export type ItemPatch = z.infer<typeof itemPatchSchema>;

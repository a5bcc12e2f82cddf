import { z } from "zod";

/** A non-negative integer query parameter in plain digits, with bounds and one clear message. */
export function countParam(name: string, { min, max, fallback }: { min: number; max: number; fallback: number }) {
  const message = `${name} must be a whole number from ${min} to ${max}`;
  return z
    .string({ error: message })
    .regex(/^[0-9]{1,7}$/, { error: message })
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().int().min(min, { error: message }).max(max, { error: message }));
}

/** limit and offset of a paged admin list. */
export function pageQuerySchema(defaultLimit: number, maxLimit: number) {
  return {
    limit: countParam("limit", { min: 1, max: maxLimit, fallback: defaultLimit }).describe(`Entries in this page, 1 to ${maxLimit} (default ${defaultLimit})`),
    offset: countParam("offset", { min: 0, max: 1_000_000, fallback: 0 }).describe("Entries skipped before this page (default 0)"),
  };
}

/** A catalog product as the console lists it beside a suspect, a duplicate or a blank photo. */
export const curationItemSchema = z.object({
  id: z.string(),
  label: z.string().describe("The item's label (its articleType unless the catalog labels by another column)"),
  productDisplayName: z.string(),
  imageUrl: z.string().describe("Path of the product photo, /api/images/{id}"),
});

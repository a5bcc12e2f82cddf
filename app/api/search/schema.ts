import { z } from "zod";
import { facetsParamSchema } from "@/lib/share/explore-params";
import { minQualitySchema } from "@/lib/share/quality-param";
import { searchParamsSchema, textSchema } from "@/lib/share/search-params";
import { IMAGE_FIELD } from "@/lib/server/upload";

/** Query parameters of POST /api/search; unknown ones are refused so a typo is not silently ignored. */
export const searchQuerySchema = z.strictObject({
  ...searchParamsSchema.shape,
  collapse: z
    .enum(["true", "false"], { error: "collapse must be true or false" })
    .optional()
    .describe("Collapse near-identical products (cosine ≥ 0.97 to a better hit): keeps one of each, still k results"),
  facets: facetsParamSchema,
  minQuality: minQualitySchema,
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** The multipart body, for the OpenAPI document (lib/server/upload.ts enforces it while streaming). */
export const searchBodySchema = z.object({
  [IMAGE_FIELD]: z.file().describe("The query photo: JPEG, PNG, WebP, GIF, AVIF or TIFF"),
});

/** Query parameters of GET /api/search (text only): the words, k, the filters, paging and facets; unknown ones are refused. */
export const textSearchQuerySchema = z.strictObject({
  text: textSchema,
  ...searchParamsSchema.pick({ k: true, articleType: true, masterCategory: true, gender: true, baseColour: true, offset: true, sort: true }).shape,
  facets: facetsParamSchema,
});
export type TextSearchQuery = z.infer<typeof textSearchQuerySchema>;

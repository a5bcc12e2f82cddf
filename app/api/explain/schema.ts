import { z } from "zod";
import { modeSchema } from "@/lib/share/search-params";
import { cropSchema } from "@/lib/share/region-param";
import { IMAGE_FIELD } from "@/lib/server/upload";
import type { WhySimilarWithViews } from "@/lib/server/explain-runtime";
import { apiRegistry, itemIdSchema, regionSchema } from "../schema";

/** Query parameters of POST /api/explain: the product to explain and the search's own region and mode; unknown ones are refused. */
export const explainQuerySchema = z.strictObject({
  id: z.string({ error: "id is required: the catalog id of the result to explain" }).pipe(itemIdSchema).describe("Catalog id of the result to explain"),
  crop: cropSchema,
  mode: modeSchema,
});
export type ExplainQuery = z.infer<typeof explainQuerySchema>;

/** The multipart body, for the OpenAPI document (lib/server/upload.ts enforces it while streaming). */
export const explainBodySchema = z.object({
  [IMAGE_FIELD]: z.file().describe("The query photo the result was found with: JPEG, PNG, WebP, GIF, AVIF or TIFF"),
});

const explainedPhotoSchema = z.object({
  grid: z.object({ rows: z.number().int().positive(), cols: z.number().int().positive() }).describe("The last ResNet50 stage's cells over the picture the model saw"),
  cells: z
    .array(z.number())
    .describe("Row-major, rows × cols: the cosine of the two embeddings this cell takes away when zeroed (positive = what the photos share)"),
  view: z.string().describe("data:image/jpeg;base64 URL of the picture the model saw (its input size); the grid covers it exactly"),
});

const agreementSchema = z
  .object({
    query: z.string().nullable().describe("The query's value (null: unknown)"),
    item: z.string().nullable().describe("The product's value (null: the catalog does not say)"),
    same: z.boolean().nullable().describe("Whether they agree; null when either is unknown"),
  })
  .register(apiRegistry, { id: "Agreement" });

export const explainResponseSchema = z
  .object({
    query: explainedPhotoSchema.extend({ region: regionSchema }),
    item: explainedPhotoSchema.extend({ id: z.string() }),
    similarity: z.number().describe("Cosine of the two served embeddings (without the colour fused into search vectors)"),
    agreements: z.object({
      category: agreementSchema.describe("The classifier's guess for the query vs the product's articleType"),
      colour: agreementSchema.describe("The query region's colour name vs the product's baseColour, same colour family"),
      gender: agreementSchema.describe("The gender most of the query's 10 nearest products have vs the product's"),
    }),
  })
  .register(apiRegistry, { id: "ExplainResponse", description: "Why a result matched: per-cell heat-maps over both photos and attribute agreements" });
export type ExplainResponse = z.infer<typeof explainResponseSchema>;

/** The engine's explanation as the API answers it. */
export function toExplainResponse(why: WhySimilarWithViews): ExplainResponse {
  const photo = (side: WhySimilarWithViews["query"] | WhySimilarWithViews["item"]) => ({
    grid: side.grid,
    cells: side.cells.map((v) => Number(v.toFixed(6))),
    view: `data:image/jpeg;base64,${Buffer.from(side.view).toString("base64")}`,
  });
  return {
    query: { ...photo(why.query), region: why.query.region },
    item: { ...photo(why.item), id: why.item.id },
    similarity: why.similarity,
    agreements: why.agreements,
  };
}

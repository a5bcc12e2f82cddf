import { z } from "zod";
import { errorCodes } from "@/lib/errors";
import type { SearchHit, SearchOutcome } from "@/lib/search/types";

/** Schemas that end up in the OpenAPI document's components, by id. */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

export const errorResponseSchema = z
  .object({ error: z.object({ code: z.enum(errorCodes), message: z.string() }) })
  .register(apiRegistry, { id: "Error", description: "Every error: the code says what went wrong, the message how to fix it." });

/** A catalog id as it may appear in a URL: bounded, never used to build a path. */
export const itemIdSchema = z
  .string()
  .min(1, { error: "The item id is empty." })
  .max(128, { error: "The item id is too long." })
  .describe("Catalog item id");

export const resultSchema = z
  .object({
    id: z.string(),
    score: z.number().describe("Cosine similarity in [-1, 1]"),
    articleType: z.string(),
    masterCategory: z.string(),
    gender: z.string(),
    baseColour: z.string(),
    productDisplayName: z.string(),
    imageUrl: z.string().describe("Path of the product photo, /api/images/{id}"),
  })
  .register(apiRegistry, { id: "SearchResult" });
export type SearchResult = z.infer<typeof resultSchema>;

export const predictedSchema = z
  .object({ label: z.string(), confidence: z.number().min(0).max(1) })
  .register(apiRegistry, { id: "PredictedLabel", description: "The model's guess of the query's articleType" });

export const searchResponseSchema = z
  .object({
    results: z.array(resultSchema),
    predicted: z.array(predictedSchema).nullable().describe("Null when the model has no classifier"),
    tookMs: z.object({ decode: z.number(), embed: z.number(), search: z.number(), total: z.number() }),
  })
  .register(apiRegistry, { id: "SearchResponse" });
export type SearchResponse = z.infer<typeof searchResponseSchema>;

/** The URL a product photo is served from. */
export function toImageUrl(id: string): string {
  return `/api/images/${encodeURIComponent(id)}`;
}

/** Converts the engine's hit to the public result shape. */
export function toSearchResult({ item, score }: SearchHit): SearchResult {
  return {
    id: item.id,
    score,
    articleType: item.articleType,
    masterCategory: item.masterCategory,
    gender: item.gender,
    baseColour: item.baseColour,
    productDisplayName: item.productDisplayName,
    imageUrl: toImageUrl(item.id),
  };
}

/** Converts the engine's outcome to the public response shape. */
export function toSearchResponse(outcome: SearchOutcome): SearchResponse {
  return { results: outcome.hits.map(toSearchResult), predicted: outcome.predicted, tookMs: outcome.tookMs };
}

import { z } from "zod";
import { searchModes } from "@/lib/colour/colour-fusion";
import { EXPLORE_MAX } from "@/lib/search/explore";
import { qualityBands } from "@/lib/search/match-quality";
import type { SearchHit, SearchOutcome } from "@/lib/search/types";
import { filterKeys, type FilterKey } from "@/lib/vector-store/types";
import { toImageUrl } from "./item-schema";
import { apiRegistry } from "./registry";

// The search answers. The registry and the item answers live in modules of their own that import
// no engine code, so the console's client components can parse with the same schemas.
export * from "./item-schema";
export * from "./registry";

export const resultSchema = z
  .object({
    id: z.string(),
    score: z.number().describe("Cosine similarity in [-1, 1]; text-only searches (GET): the text score relative to the best match, in (0, 1]"),
    quality: z
      .number()
      .min(0)
      .max(1)
      .describe("Match quality: the probability (calibrated on the validation split) that this result is the query's type; text-only searches: 1 (every result holds every word)"),
    band: z.enum(qualityBands).describe("excellent: quality ≥ 0.9; good: ≥ 0.6; weak: below"),
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

export const regionSchema = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    w: z.number().min(0).max(1),
    h: z.number().min(0).max(1),
    source: z.enum(["auto", "user", "none"]).describe("auto: found in the photo (the whole photo when unsure); user: the crop given; none: the whole photo"),
    confidence: z.number().min(0).max(1).optional().describe("How clearly the product stood out (auto and none)"),
  })
  .register(apiRegistry, { id: "QueryRegion", description: "The part of the query photo searched with, in fractions of the photo" });

export const predictedColourSchema = z
  .object({ label: z.string(), similarity: z.number().describe("Cosine of the region's colour descriptor to that colour's mean") })
  .register(apiRegistry, { id: "PredictedColour", description: "The query region's colour, named by the catalog's baseColour values" });

const facetListSchema = z.array(z.object({ value: z.string(), count: z.number().int().min(0) }));

export const facetCountsSchema = z
  .object(Object.fromEntries(filterKeys.map((key) => [key, facetListSchema])) as Record<FilterKey, typeof facetListSchema>)
  .register(apiRegistry, {
    id: "FacetCounts",
    description: `Per filter, the values among the query's ${EXPLORE_MAX} best matches (unfiltered) with their counts; a filter's counts apply the other active filters, an active value is listed even at 0`,
  });

export const searchResponseSchema = z
  .object({
    results: z.array(resultSchema).describe("Best match quality first"),
    noCloseMatch: z.boolean().describe("True when no result reaches the Good band (before minQuality)"),
    qualityCalibrated: z.boolean().describe("False when the served model has no calibration: quality is then the clamped ranking score"),
    predicted: z
      .array(predictedSchema)
      .nullable()
      .describe("Null when the model has no classifier; a label none of the first 5 results has is left out"),
    colour: predictedColourSchema
      .nullable()
      .optional()
      .describe("Photo searches: the region's colour; null when the model fuses no colour or knows no colour names"),
    region: regionSchema.optional().describe("Photo searches: the part of the photo searched with"),
    mode: z.enum(searchModes).optional().describe("Photo searches: the ranking mode used"),
    facets: facetCountsSchema.optional().describe("With facets=true: filter values and their counts among the best matches"),
    tookMs: z.object({
      decode: z.number(),
      region: z.number().describe("Finding the product, neutralising its background and describing its colour"),
      embed: z.number(),
      search: z.number(),
      total: z.number(),
    }),
  })
  .register(apiRegistry, { id: "SearchResponse" });
export type SearchResponse = z.infer<typeof searchResponseSchema>;

/** POST /api/search's answer: a search response plus the results page of the very pixels it searched. */
export const photoSearchResponseSchema = searchResponseSchema
  .extend({
    shareUrl: z
      .string()
      .describe("The results page of this search (/search?q=…): the photo is reduced to the copy that link carries and searched with those bytes, so the page shows these results"),
  })
  .register(apiRegistry, { id: "PhotoSearchResponse" });

/** Converts the engine's hit to the public result shape. */
export function toSearchResult({ item, score, quality, band }: SearchHit): SearchResult {
  return {
    id: item.id,
    score,
    quality,
    band,
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
  const { region, colour, mode, facets } = outcome;
  return {
    results: outcome.hits.map(toSearchResult),
    noCloseMatch: outcome.noCloseMatch,
    qualityCalibrated: outcome.qualityCalibrated,
    predicted: outcome.predicted,
    ...(region ? { region, colour: colour ?? null, mode } : {}),
    ...(facets ? { facets } : {}),
    tookMs: outcome.tookMs,
  };
}

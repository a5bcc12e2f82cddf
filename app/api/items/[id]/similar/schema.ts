import { z } from "zod";
import { facetsParamSchema, feedbackParamsSchema, pageParamsSchema } from "@/lib/share/explore-params";
import { kSchema, searchParamsSchema } from "@/lib/share/search-params";
import { itemIdSchema } from "../../../schema";

export const similarPathSchema = z.object({ id: itemIdSchema });
const filterParams = searchParamsSchema.pick({ articleType: true, masterCategory: true, gender: true, baseColour: true }).shape;

export const similarQuerySchema = z.strictObject({ k: kSchema, ...filterParams, ...pageParamsSchema.shape, ...feedbackParamsSchema.shape, facets: facetsParamSchema });
export type SimilarQuery = z.infer<typeof similarQuerySchema>;

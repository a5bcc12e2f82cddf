import { z } from "zod";
import { kSchema } from "@/lib/share/search-params";
import { itemIdSchema } from "../../../schema";

export const similarPathSchema = z.object({ id: itemIdSchema });
export const similarQuerySchema = z.strictObject({ k: kSchema });
export type SimilarQuery = z.infer<typeof similarQuerySchema>;

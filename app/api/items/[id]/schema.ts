import { z } from "zod";
import { itemPatchSchema } from "@/lib/live/item-fields";
import { itemIdSchema } from "../../schema";

export const itemPathSchema = z.object({ id: itemIdSchema });

/** The JSON body of PATCH /api/items/{id}: the fields to change. */
export const patchBodySchema = itemPatchSchema;

/** Largest PATCH body accepted. */
export const PATCH_MAX_BYTES = 16 * 1024;

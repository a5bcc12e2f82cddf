import { z } from "zod";
import { errorCodes } from "@/lib/errors";

// The registry every schema of the OpenAPI document joins, and the shapes every route shares.
// Only zod and the error codes: client components import it (through the admin schemas).

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

import { z } from "zod";
import { apiRegistry } from "../schema";

export const healthResponseSchema = z
  .object({
    ok: z.boolean(),
    model: z.object({
      id: z.string(),
      name: z.string(),
      dim: z.number().int(),
      input: z.object({ height: z.number().int(), width: z.number().int() }),
    }),
    index: z.object({ id: z.string(), kind: z.enum(["flat", "hnsw"]), size: z.number().int() }),
    catalogSize: z.number().int(),
  })
  .register(apiRegistry, { id: "Health" });
export type HealthResponse = z.infer<typeof healthResponseSchema>;

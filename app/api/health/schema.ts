import { z } from "zod";
import { indexKinds } from "@/lib/vector-store/types";
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
    index: z.object({
      id: z.string().describe("The served index: its content id (embedded) or the backend's name (pgvector)"),
      kind: z.enum(indexKinds).describe("flat: every vector scored, exact; hnsw: a graph walk, approximate (pgvector up to 2,000 dimensions)"),
      size: z.number().int(),
    }),
    catalogSize: z.number().int(),
    writable: z.boolean().describe("False while writes are refused (see problems); searches still answer from the last good state"),
    problems: z
      .array(
        z.object({
          kind: z.enum(["corrupt_change_log"]),
          message: z.string(),
          file: z.string().describe("The damaged file"),
          offset: z.number().int().describe("Byte offset of the bad record"),
          record: z.number().int().describe("Its number in the log, from 1"),
          repair: z.string().describe("The command that repairs it"),
        }),
      )
      .describe("What an operator must fix; ok is false while any is open"),
  })
  .register(apiRegistry, { id: "Health" });
export type HealthResponse = z.infer<typeof healthResponseSchema>;

import { z } from "zod";
import { apiRegistry, errorResponseSchema } from "../schema";

// The pieces every path of the OpenAPI document is built from (route.ts, curation-paths.ts).

export type JsonSchema = Record<string, unknown>;

export const componentRef = (id: string) => `#/components/schemas/${id}`;

/** A registered schema as a $ref, anything else inlined (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
export function toSchema(schema: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const id = apiRegistry.get(schema)?.id;
  if (id) return { $ref: componentRef(id) };
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io }) as JsonSchema;
  return json;
}

export function toParameters(schema: z.ZodObject, where: "query" | "path"): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: "input" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    ...(description ? { description } : {}),
    schema: property,
  }));
}

export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: toSchema(errorResponseSchema) } },
});
export const jsonResponse = (schema: z.ZodType, description: string) => ({
  description,
  content: { "application/json": { schema: toSchema(schema) } },
});

/**
 * Admin endpoints (writes, and the curation reads) need `Authorization: Bearer <ADMIN_TOKEN>`, or the
 * console's session cookie (plus its CSRF token on writes); the public reads stay open.
 */
export const adminOnly = { security: [{ bearerAuth: [] }, { cookieAuth: [] }] };
/** A write signed in by the console's cookie that lacks its CSRF token or comes from another site (decision 0020). */
export const csrfRefused = errorResponse("forbidden: cookie-authenticated without the session's X-CSRF-Token, or a cross-site request");
export const unauthorized = errorResponse("No or wrong admin token, or ADMIN_TOKEN not set on the server (writes disabled)");
export const busy = errorResponse(
  "Index not ready, inference queue full (see Retry-After), the catalog locked by another writer, an I/O error, " +
    "or a corrupt change log (storage_unavailable: read-only until `npm run catalog:repair`)",
);
export const diskFull = errorResponse("insufficient_storage: the disk holding the catalog is full; nothing was saved, retry once space is freed");


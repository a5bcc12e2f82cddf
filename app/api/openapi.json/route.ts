import { z } from "zod";
import { healthResponseSchema } from "../health/schema";
import { imagePathSchema } from "../images/[id]/schema";
import { similarPathSchema, similarQuerySchema } from "../items/[id]/similar/schema";
import { apiRegistry, errorResponseSchema, searchResponseSchema } from "../schema";
import { searchBodySchema, searchQuerySchema } from "../search/schema";

type JsonSchema = Record<string, unknown>;

const componentRef = (id: string) => `#/components/schemas/${id}`;

/** A registered schema as a $ref, anything else inlined (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
function toSchema(schema: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const id = apiRegistry.get(schema)?.id;
  if (id) return { $ref: componentRef(id) };
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io }) as JsonSchema;
  return json;
}

function toParameters(schema: z.ZodObject, where: "query" | "path"): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: "input" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    ...(description ? { description } : {}),
    schema: property,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: toSchema(errorResponseSchema) } },
});
const jsonResponse = (schema: z.ZodType, description: string) => ({
  description,
  content: { "application/json": { schema: toSchema(schema) } },
});

function buildDocument() {
  const { schemas } = z.toJSONSchema(apiRegistry, { uri: componentRef });
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
  return {
    openapi: "3.1.0",
    info: { title: "Visual product search", version: "1.0.0" },
    paths: {
      "/api/search": {
        post: {
          summary: "Search the catalog with a photo",
          parameters: toParameters(searchQuerySchema, "query"),
          requestBody: {
            required: true,
            content: { "multipart/form-data": { schema: toSchema(searchBodySchema, "input") } },
          },
          responses: {
            200: jsonResponse(searchResponseSchema, "Most similar products, best first"),
            400: errorResponse("Missing or repeated photo, bad k, unknown parameter or filter value"),
            413: errorResponse("Body over MAX_UPLOAD_BYTES, or image over MAX_IMAGE_PIXELS"),
            415: errorResponse("Not an image, or not multipart/form-data"),
            422: errorResponse("Corrupt or truncated image"),
            503: errorResponse("Index not ready, or too many searches waiting (see Retry-After)"),
          },
        },
      },
      "/api/items/{id}/similar": {
        get: {
          summary: "Products most similar to a catalog item, the item excluded",
          parameters: [...toParameters(similarPathSchema, "path"), ...toParameters(similarQuerySchema, "query")],
          responses: {
            200: jsonResponse(searchResponseSchema, "Most similar products, best first"),
            400: errorResponse("Bad id or k"),
            404: errorResponse("Unknown id"),
          },
        },
      },
      "/api/images/{id}": {
        get: {
          summary: "A product photo (immutable, with a strong ETag)",
          parameters: toParameters(imagePathSchema, "path"),
          responses: {
            200: { description: "The photo", content: { "image/*": { schema: { type: "string", contentMediaType: "image/*" } } } },
            304: { description: "Not modified (If-None-Match matched)" },
            404: errorResponse("Unknown id"),
          },
        },
      },
      "/api/health": {
        get: {
          summary: "Readiness and what is served",
          responses: {
            200: jsonResponse(healthResponseSchema, "Ready"),
            503: errorResponse("Model, index or catalog missing: the message says how to build them"),
          },
        },
      },
    },
    components: { schemas: components },
  };
}

/** The OpenAPI 3.1 description of this API, generated from the route schemas. */
export function GET(): Response {
  return Response.json(buildDocument());
}

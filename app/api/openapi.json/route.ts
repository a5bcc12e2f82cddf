import { z } from "zod";
import { ADMIN_SESSION_COOKIE } from "@/lib/server/admin-session";
import { IMAGE_FIELD } from "@/lib/server/upload";
import { SIGN_IN_MAX_BYTES, signInBodySchema, signInResponseSchema, signOutResponseSchema } from "../admin/session/schema";
import { healthResponseSchema } from "../health/schema";
import { imagePathSchema } from "../images/[id]/schema";
import { itemPathSchema, PATCH_MAX_BYTES, patchBodySchema } from "../items/[id]/schema";
import { similarPathSchema, similarQuerySchema } from "../items/[id]/similar/schema";
import { IMPORT_MAX_BYTES, importBodySchema } from "../items/import/schema";
import { addFieldsSchema, addQuerySchema } from "../items/schema";
import {
  addResponseSchema,
  apiRegistry,
  deleteResponseSchema,
  importLineSchema,
  itemGetResponseSchema,
  patchResponseSchema,
  photoSearchResponseSchema,
  searchResponseSchema,
} from "../schema";
import { explainBodySchema, explainQuerySchema, explainResponseSchema } from "../explain/schema";
import { searchBodySchema, searchQuerySchema, textSearchQuerySchema } from "../search/schema";
import { curationPaths } from "./curation-paths";
import { adminOnly, busy, componentRef, csrfRefused, diskFull, errorResponse, jsonResponse, toParameters, toSchema, unauthorized } from "./document-parts";

/** The multipart body of POST /api/items: the text fields plus the photo. */
const addBodySchema = addFieldsSchema.extend({
  [IMAGE_FIELD]: z.file().describe("The product photo: JPEG, PNG, WebP or GIF"),
});

function adminPaths() {
  const idParameters = toParameters(itemPathSchema, "path");
  return {
    "/api/admin/session": {
      post: {
        summary: "Sign in to the console: the admin token → a session cookie (HttpOnly, Secure, SameSite=Strict)",
        description: "Same-origin only (Origin / Sec-Fetch-Site); wrong tokens count towards the failed-attempt limit.",
        requestBody: { required: true, content: { "application/json": { schema: toSchema(signInBodySchema, "input") } } },
        responses: {
          200: jsonResponse(signInResponseSchema, "Signed in: the session is in the Set-Cookie header"),
          400: errorResponse("Not JSON, or no token"),
          401: errorResponse("Wrong token, or ADMIN_TOKEN not set on the server"),
          403: errorResponse("Cross-site request"),
          413: errorResponse(`Body over ${SIGN_IN_MAX_BYTES / 1024} KiB`),
          415: errorResponse("Not application/json"),
          429: errorResponse("Too many failed attempts from this client this minute"),
          503: errorResponse("ADMIN_TOKEN shorter than 32 characters: the admin API is off"),
        },
      },
      delete: {
        summary: "Sign out: clears the session cookie",
        ...adminOnly,
        responses: {
          200: jsonResponse(signOutResponseSchema, "Signed out"),
          401: unauthorized,
          403: csrfRefused,
        },
      },
    },
    "/api/items": {
      post: {
        summary: "Add a product (admin): searchable and durable when the answer comes",
        ...adminOnly,
        parameters: toParameters(addQuerySchema, "query"),
        requestBody: {
          required: true,
          content: { "multipart/form-data": { schema: toSchema(addBodySchema, "input") } },
        },
        responses: {
          201: jsonResponse(addResponseSchema, "Added; near-duplicates already in the catalog are listed"),
          400: errorResponse("Bad or missing field or bad query parameter"),
          409: errorResponse("Id already taken, or near-duplicate refused (rejectDuplicates)"),
          401: unauthorized,
          403: csrfRefused,
          413: errorResponse("Body over MAX_UPLOAD_BYTES, or image over MAX_IMAGE_PIXELS"),
          415: errorResponse("Not multipart/form-data, or a photo that is not JPEG, PNG, WebP or GIF"),
          422: errorResponse("Corrupt or truncated image"),
          503: busy,
          507: diskFull,
        },
      },
    },
    "/api/items/{id}": {
      get: {
        summary: "A product's metadata as stored now",
        parameters: idParameters,
        responses: {
          200: jsonResponse(itemGetResponseSchema, "The product"),
          400: errorResponse("Bad id"),
          404: errorResponse("Unknown id"),
          503: errorResponse("Index not ready"),
        },
      },
      patch: {
        summary: "Change a product's metadata (admin); photo and vector stay",
        ...adminOnly,
        parameters: idParameters,
        requestBody: {
          required: true,
          content: { "application/json": { schema: toSchema(patchBodySchema, "input") } },
        },
        responses: {
          200: jsonResponse(patchResponseSchema, "The product as changed"),
          400: errorResponse("Not JSON, unknown or invalid field, or no field to change"),
          401: unauthorized,
          403: csrfRefused,
          404: errorResponse("Unknown id"),
          413: errorResponse(`Body over ${PATCH_MAX_BYTES / 1024} KiB`),
          415: errorResponse("Not application/json"),
          503: busy,
          507: diskFull,
        },
      },
      delete: {
        summary: "Remove a product (admin)",
        ...adminOnly,
        parameters: idParameters,
        responses: {
          200: jsonResponse(deleteResponseSchema, "Removed"),
          400: errorResponse("Bad id"),
          401: unauthorized,
          403: csrfRefused,
          404: errorResponse("Unknown id"),
          503: busy,
          507: diskFull,
        },
      },
    },
    "/api/items/import": {
      post: {
        summary: "Bulk import (admin): a CSV plus photos, answered line by line as rows are stored",
        description:
          "Each row is durable once its line is out; rerunning an interrupted import completes it (rows already there come back unchanged). " +
          `Up to ${IMPORT_MAX_BYTES / 2 ** 20} MiB per request; larger catalogs go through \`npm run catalog:import\`.`,
        ...adminOnly,
        parameters: toParameters(addQuerySchema, "query"),
        requestBody: {
          required: true,
          content: { "multipart/form-data": { schema: toSchema(importBodySchema, "input") } },
        },
        responses: {
          200: {
            description: "Newline-delimited JSON: one ImportLine per row or refused photo, then a done (or failed) line",
            content: { "application/x-ndjson": { schema: toSchema(importLineSchema) } },
          },
          400: errorResponse("Missing CSV or photos, CSV without a required column, bad query parameter, or malformed multipart"),
          401: unauthorized,
          403: csrfRefused,
          413: errorResponse(`Body over ${IMPORT_MAX_BYTES / 2 ** 20} MiB`),
          415: errorResponse("Not multipart/form-data"),
          503: busy,
          507: diskFull,
        },
      },
    },
  };
}

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
        get: {
          summary: "Search the catalog by words: products holding every word, best text match first (score: relative to the best, quality 1)",
          parameters: toParameters(textSearchQuerySchema, "query"),
          responses: {
            200: jsonResponse(searchResponseSchema, "Matching products, best text match first"),
            400: errorResponse("Missing, empty, too long or wordless text, bad k, offset or sort, unknown parameter or filter value"),
            503: errorResponse("Index not ready"),
          },
        },
        post: {
          summary: "Search the catalog with a photo, optionally only among the products holding every word of text",
          parameters: toParameters(searchQuerySchema, "query"),
          requestBody: {
            required: true,
            content: { "multipart/form-data": { schema: toSchema(searchBodySchema, "input") } },
          },
          responses: {
            200: jsonResponse(photoSearchResponseSchema, "Most similar products, best first, and the share URL of the same search"),
            400: errorResponse("Missing or repeated photo, bad k, offset, sort or text, unknown parameter or filter value, unknown positive/negative item id"),
            413: errorResponse("Body over MAX_UPLOAD_BYTES, or image over MAX_IMAGE_PIXELS"),
            415: errorResponse("Not an image, or not multipart/form-data"),
            422: errorResponse("Corrupt or truncated image"),
            503: errorResponse("Index not ready, or too many searches waiting (see Retry-After)"),
          },
        },
      },
      "/api/explain": {
        post: {
          summary: "Why a result matched a photo: heat-maps over both photos, and whether category, colour and gender agree",
          parameters: toParameters(explainQuerySchema, "query"),
          requestBody: {
            required: true,
            content: { "multipart/form-data": { schema: toSchema(explainBodySchema, "input") } },
          },
          responses: {
            200: jsonResponse(explainResponseSchema, "Per-cell contributions to the cosine over both photos, and the agreements"),
            400: errorResponse("Missing or repeated photo, missing or bad id, bad crop or mode, unknown parameter"),
            404: errorResponse("Unknown id"),
            413: errorResponse("Body over MAX_UPLOAD_BYTES, or image over MAX_IMAGE_PIXELS"),
            415: errorResponse("Not an image, or not multipart/form-data"),
            422: errorResponse("Corrupt or truncated image"),
            503: errorResponse("Index or model not ready, or too many requests waiting (see Retry-After)"),
          },
        },
      },
      "/api/items/{id}/similar": {
        get: {
          summary: "Products most similar to a catalog item, the item excluded",
          parameters: [...toParameters(similarPathSchema, "path"), ...toParameters(similarQuerySchema, "query")],
          responses: {
            200: jsonResponse(searchResponseSchema, "Most similar products, best first"),
            400: errorResponse("Bad id, k, offset or sort, unknown parameter, unknown positive/negative item id"),
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
            200: jsonResponse(healthResponseSchema, "Ready; ok is false (with problems) while the catalog is served read-only"),
            503: errorResponse("Model, index or catalog missing: the message says how to build them"),
          },
        },
      },
      ...adminPaths(),
      ...curationPaths(),
    },
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "The server's ADMIN_TOKEN" },
        cookieAuth: {
          type: "apiKey",
          in: "cookie",
          name: ADMIN_SESSION_COOKIE,
          description: "The console's session (POST /api/admin/session); writes also need its token in X-CSRF-Token and a same-origin request",
        },
      },
    },
  };
}

/** The OpenAPI 3.1 description of this API, generated from the route schemas. */
export function GET(): Response {
  return Response.json(buildDocument());
}

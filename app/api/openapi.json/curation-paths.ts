import { dismissPathSchema, dismissResponseSchema } from "../admin/suspects/[id]/dismiss/schema";
import { duplicatesQuerySchema, duplicatesResponseSchema } from "../admin/duplicates/schema";
import { qualityQuerySchema, qualityResponseSchema } from "../admin/quality/schema";
import { suspectsQuerySchema, suspectsResponseSchema } from "../admin/suspects/schema";
import { adminOnly, busy, csrfRefused, diskFull, errorResponse, jsonResponse, toParameters, unauthorized } from "./document-parts";

const tooManyFailures = errorResponse("too_many_requests: more than ADMIN_AUTH_FAILURES_PER_MINUTE wrong tokens from this client");

/** The catalog-quality console's API (admin): suspects, dismissals, duplicates, quality. Relabel and delete go through /api/items/{id}. */
export function curationPaths() {
  const dismissParameters = toParameters(dismissPathSchema, "path");
  return {
    "/api/admin/suspects": {
      get: {
        summary: "Suspected mislabels, most suspicious first (admin)",
        description:
          "Products whose own photo the served model places in another category: the vote of their nearest other products (byte-identical copies left out) " +
          "and the classifier's probabilities. Computed once per catalog state; dismissed products are left out while they keep the label they were dismissed under.",
        ...adminOnly,
        parameters: toParameters(suspectsQuerySchema, "query"),
        responses: {
          200: jsonResponse(suspectsResponseSchema, "A page of the ranking"),
          400: errorResponse("Bad limit or offset, or an unknown parameter"),
          401: unauthorized,
          429: tooManyFailures,
          503: busy,
        },
      },
    },
    "/api/admin/suspects/{id}/dismiss": {
      post: {
        summary: "Dismiss a suspect: its label is right (admin); durable when answered, undone by DELETE",
        ...adminOnly,
        parameters: dismissParameters,
        responses: {
          200: jsonResponse(dismissResponseSchema, "Dismissed under its label now"),
          400: errorResponse("Bad id"),
          401: unauthorized,
          403: csrfRefused,
          404: errorResponse("Unknown id"),
          429: tooManyFailures,
          503: busy,
          507: diskFull,
        },
      },
      delete: {
        summary: "Undo a dismissal (admin)",
        ...adminOnly,
        parameters: dismissParameters,
        responses: {
          200: jsonResponse(dismissResponseSchema, "Not dismissed now (changed: false when it was not)"),
          400: errorResponse("Bad id"),
          401: unauthorized,
          403: csrfRefused,
          429: tooManyFailures,
          503: busy,
          507: diskFull,
        },
      },
    },
    "/api/admin/duplicates": {
      get: {
        summary: "Near-duplicate product groups and blank photos (admin)",
        description: "Delete the copies with DELETE /api/items/{id}.",
        ...adminOnly,
        parameters: toParameters(duplicatesQuerySchema, "query"),
        responses: {
          200: jsonResponse(duplicatesResponseSchema, "A page of the groups, and every blank photo"),
          400: errorResponse("Bad threshold, limit or offset, or an unknown parameter"),
          401: unauthorized,
          429: tooManyFailures,
          503: busy,
        },
      },
    },
    "/api/admin/quality": {
      get: {
        summary: "Per-category quality from the latest evaluation report, and the most confused category pairs (admin)",
        ...adminOnly,
        parameters: toParameters(qualityQuerySchema, "query"),
        responses: {
          200: jsonResponse(qualityResponseSchema, "Categories worst first, confused pairs most confused first"),
          400: errorResponse("An unknown parameter"),
          401: unauthorized,
          429: tooManyFailures,
          503: busy,
        },
      },
    },
  };
}

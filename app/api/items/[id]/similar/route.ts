import { AppError, parseOrThrow } from "@/lib/errors";
import { withErrorResponse } from "@/lib/server/error-response";
import { getSearchRuntime } from "@/lib/server/search-runtime";
import { toExploreOptions } from "@/lib/share/explore-params";
import { toParamRecord } from "@/lib/share/search-params";
import { toSearchResponse } from "../../../schema";
import { similarPathSchema, similarQuerySchema } from "./schema";

/** "More like this": the catalog items closest to one item, the item itself excluded. */
export const GET = withErrorResponse(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = parseOrThrow(similarPathSchema, await context.params);
  const { k, facets, offset, sort, positive, negative, ...filters } = parseOrThrow(similarQuerySchema, toParamRecord(new URL(request.url).searchParams));
  const { service } = await getSearchRuntime();
  if (!service.getItem(id)) throw new AppError("not_found", "No catalog item has that id.");
  // No ONNX run (the item's vector is in the index), so no need to queue behind uploads.
  const outcome = await service.similarTo(id, { k, filters, facets: facets === "true", ...toExploreOptions({ offset, sort, positive, negative }) });
  return Response.json(toSearchResponse(outcome));
});

import { DEFAULT_DUPLICATE_COSINE } from "@/lib/search/collapse";
import { withErrorResponse } from "@/lib/server/error-response";
import { getSearchRuntime, searchByImage } from "@/lib/server/search-runtime";
import { readImageUpload } from "@/lib/server/upload";
import { parseMinQuality } from "@/lib/share/quality-param";
import { parseSearchParams } from "@/lib/share/search-params";
import { toSearchResponse } from "../schema";
import { searchQuerySchema } from "./schema";

/** Searches the catalog with an uploaded photo. */
export const POST = withErrorResponse(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const options = parseSearchParams(params, searchQuerySchema);
  // Validated by searchQuerySchema above; parseSearchParams keeps k, crop, mode, the filters, paging and feedback.
  if (params.get("collapse") === "true") options.collapse = DEFAULT_DUPLICATE_COSINE;
  if (params.get("facets") === "true") options.facets = true;
  options.minQuality = parseMinQuality(params);
  const runtime = await getSearchRuntime();
  const bytes = await readImageUpload(request, runtime.config.MAX_UPLOAD_BYTES);
  const outcome = await searchByImage(runtime, bytes, options, request.signal);
  return Response.json(toSearchResponse(outcome), { headers: { "Cache-Control": "no-store" } });
});

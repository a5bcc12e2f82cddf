import { DEFAULT_DUPLICATE_COSINE } from "@/lib/search/collapse";
import { withErrorResponse } from "@/lib/server/error-response";
import { parseOrThrow } from "@/lib/errors";
import { getSearchRuntime, searchByText, searchUpload } from "@/lib/server/search-runtime";
import { toExploreOptions } from "@/lib/share/explore-params";
import { readImageUpload } from "@/lib/server/upload";
import { parseMinQuality } from "@/lib/share/quality-param";
import { parseSearchParams, toParamRecord } from "@/lib/share/search-params";
import { toSearchResponse } from "../schema";
import { searchQuerySchema, textSearchQuerySchema } from "./schema";

/** Searches the catalog by words alone: products holding every word, best text match first. */
export const GET = withErrorResponse(async (request: Request) => {
  const { text, k, facets, offset, sort, ...filters } = parseOrThrow(textSearchQuerySchema, toParamRecord(new URL(request.url).searchParams));
  const runtime = await getSearchRuntime();
  const outcome = await searchByText(runtime, text, { k, filters, facets: facets === "true", ...toExploreOptions({ offset, sort }) });
  return Response.json(toSearchResponse(outcome), { headers: { "Cache-Control": "no-store" } });
});

/** Searches the catalog with an uploaded photo (its share-URL copy, as the results page does), restricted to the products holding every word of `text` when given. */
export const POST = withErrorResponse(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const options = parseSearchParams(params, searchQuerySchema);
  // Validated by searchQuerySchema above; parseSearchParams keeps k, crop, mode, the filters, paging and feedback.
  if (params.get("collapse") === "true") options.collapse = DEFAULT_DUPLICATE_COSINE;
  if (params.get("facets") === "true") options.facets = true;
  options.minQuality = parseMinQuality(params);
  const runtime = await getSearchRuntime();
  const bytes = await readImageUpload(request, runtime.config.MAX_UPLOAD_BYTES);
  // The same pixels as the results page: the share URL's copy of the photo, whose link is in the answer.
  const { outcome, shareHref } = await searchUpload(runtime, bytes, options, request.signal);
  return Response.json({ ...toSearchResponse(outcome), shareUrl: shareHref }, { headers: { "Cache-Control": "no-store" } });
});

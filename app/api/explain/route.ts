import { parseOrThrow } from "@/lib/errors";
import { withErrorResponse } from "@/lib/server/error-response";
import { explainByImage } from "@/lib/server/explain-runtime";
import { getSearchRuntime } from "@/lib/server/search-runtime";
import { readImageUpload } from "@/lib/server/upload";
import { toParamRecord } from "@/lib/share/search-params";
import { explainQuerySchema, toExplainResponse } from "./schema";

/** Why a result matched the uploaded photo: heat-maps over both photos and attribute agreements. */
export const POST = withErrorResponse(async (request: Request) => {
  // Parameters first: a bad one is refused before the upload is read.
  const { id, crop, mode } = parseOrThrow(explainQuerySchema, toParamRecord(new URL(request.url).searchParams));
  const runtime = await getSearchRuntime();
  const bytes = await readImageUpload(request, runtime.config.MAX_UPLOAD_BYTES);
  const why = await explainByImage(runtime, bytes, id, crop, mode, request.signal);
  return Response.json(toExplainResponse(why), { headers: { "Cache-Control": "no-store" } });
});

import { parseOrThrow } from "@/lib/errors";
import { summariseQuality } from "@/lib/curation/quality-summary";
import { requireAdmin } from "@/lib/server/auth";
import { getCatalogCuration } from "@/lib/server/curation-runtime";
import { withErrorResponse } from "@/lib/server/error-response";
import { qualityQuerySchema, type QualityResponse } from "./schema";

/** Per-category quality from the latest evaluation report and the most confused category pairs (admin). */
export const GET = withErrorResponse(async (request: Request) => {
  requireAdmin(request);
  parseOrThrow(qualityQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  const { runtime, curation } = await getCatalogCuration();
  const { pairs, items, version } = await curation.confusedPairs();
  const summary = await summariseQuality(runtime.config.REPORTS_DIR, items);
  const body: QualityResponse = { ...summary, confusedPairs: pairs, catalogVersion: version };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});

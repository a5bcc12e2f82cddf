import { parseOrThrow } from "@/lib/errors";
import { requireAdmin } from "@/lib/server/auth";
import { getCatalogCuration } from "@/lib/server/curation-runtime";
import { withErrorResponse } from "@/lib/server/error-response";
import { toImageUrl } from "../../schema";
import { suspectsQuerySchema, type SuspectsResponse } from "./schema";

/** Mislabel suspects, most suspicious first (admin). */
export const GET = withErrorResponse(async (request: Request) => {
  requireAdmin(request);
  const query = parseOrThrow(suspectsQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  const { runtime, curation } = await getCatalogCuration();
  const page = await curation.suspects(query);
  const body: SuspectsResponse = {
    suspects: page.suspects.map((suspect) => ({
      ...suspect,
      productDisplayName: runtime.service.getItem(suspect.id)?.productDisplayName ?? "",
      imageUrl: toImageUrl(suspect.id),
    })),
    total: page.total,
    dismissed: page.dismissed,
    catalogVersion: page.version,
    classifier: page.classifier,
  };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});

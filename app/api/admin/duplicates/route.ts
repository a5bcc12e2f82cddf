import { parseOrThrow } from "@/lib/errors";
import type { CatalogItem } from "@/lib/catalog/types";
import { requireAdmin } from "@/lib/server/auth";
import { getCatalogCuration } from "@/lib/server/curation-runtime";
import { withErrorResponse } from "@/lib/server/error-response";
import { toImageUrl } from "../../schema";
import { duplicatesQuerySchema, type DuplicatesResponse } from "./schema";

const toCurationItem = (item: CatalogItem) => ({ id: item.id, label: item.label, productDisplayName: item.productDisplayName, imageUrl: toImageUrl(item.id) });

/** Near-duplicate groups and blank photos (admin). */
export const GET = withErrorResponse(async (request: Request) => {
  requireAdmin(request);
  const query = parseOrThrow(duplicatesQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  const { curation } = await getCatalogCuration();
  const { report, blank, items, version } = await curation.duplicates(query.threshold);
  const byId = new Map(items.map((item) => [item.id, item]));
  const body: DuplicatesResponse = {
    threshold: query.threshold,
    groups: report.groups.slice(query.offset, query.offset + query.limit).map((group) => ({
      items: group.ids.map((id) => toCurationItem(byId.get(id)!)),
      maxScore: group.maxScore,
      samePhoto: group.samePhoto,
    })),
    total: report.groups.length,
    itemsInGroups: report.itemsInGroups,
    blank: blank.map(toCurationItem),
    catalogVersion: version,
  };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});

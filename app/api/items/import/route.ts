import { parseOrThrow } from "@/lib/errors";
import { importCatalog } from "@/lib/live/import-catalog";
import { requireAdmin } from "@/lib/server/auth";
import { getEditorContext } from "@/lib/server/admin-form";
import { withErrorResponse } from "@/lib/server/error-response";
import { receiveImportUpload } from "@/lib/server/import-upload";
import { respondNdjson } from "@/lib/server/ndjson-response";
import { toParamRecord } from "@/lib/share/search-params";
import { addQuerySchema } from "../schema";
import { IMPORT_MAX_BYTES, importFields } from "./schema";

/**
 * Bulk import (admin): a CSV plus photos, answered as NDJSON, one line per row as it
 * is stored (or refused), then a `done` line. Each row is durable once its line is
 * out; rerunning an interrupted import completes it.
 */
export const POST = withErrorResponse(async (request: Request) => {
  requireAdmin(request);
  const query = parseOrThrow(addQuerySchema, toParamRecord(new URL(request.url).searchParams));
  const { runtime, ctx } = await getEditorContext(request.signal);
  // Spooled to a temp folder that every path below removes (a crash's is swept at start).
  const upload = await receiveImportUpload(request, { maxBytes: IMPORT_MAX_BYTES, fields: importFields, config: runtime.config });
  // The CSV's header is checked before the stream starts, so a wrong file is a plain 400.
  return respondNdjson({
    events: importCatalog(ctx, upload.csvText, upload.images, query),
    pending: upload.issues,
    finish: () => upload.dispose(),
  });
});

import { toAppError } from "@/lib/errors";
import { importCatalog } from "@/lib/live/import-catalog";
import { requireAdmin } from "@/lib/server/auth";
import { getEditorContext } from "@/lib/server/admin-form";
import { withErrorResponse } from "@/lib/server/error-response";
import { receiveImportUpload } from "@/lib/server/import-upload";
import { parseOrThrow, toParamRecord } from "@/lib/share/search-params";
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
  const { issues } = upload;
  const events = importCatalog(ctx, upload.csvText, upload.images, query);
  // The CSV's header is checked before the stream starts, so a wrong file is a plain 400.
  const first = await events.next().catch(async (error: unknown) => {
    await upload.dispose();
    throw error;
  });
  const encoder = new TextEncoder();
  const line = (event: unknown) => encoder.encode(`${JSON.stringify(event)}\n`);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(line(first.value));
    },
    async pull(controller) {
      try {
        const next = await events.next();
        while (issues.length > 0) controller.enqueue(line(issues.shift()));
        if (next.done) {
          await upload.dispose();
          controller.close();
        } else controller.enqueue(line(next.value));
      } catch (error) {
        await upload.dispose();
        const appError = toAppError(error);
        controller.enqueue(line({ type: "failed", code: appError.code, message: appError.message }));
        controller.close();
      }
    },
    async cancel() {
      await events.return(undefined).finally(() => upload.dispose());
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson", "Cache-Control": "no-store" } });
});

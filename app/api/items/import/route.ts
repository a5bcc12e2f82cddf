import { AppError, toAppError } from "@/lib/errors";
import { importCatalog, type ImportEvent } from "@/lib/live/import-catalog";
import { imagesFromArchiveUpload, imagesFromFiles, isArchiveName } from "@/lib/live/import-sources";
import { requireAdmin } from "@/lib/server/auth";
import { getEditorContext, readMultipartForm } from "@/lib/server/admin-form";
import { withErrorResponse } from "@/lib/server/error-response";
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
  const { ctx } = await getEditorContext(request.signal);
  const form = await readMultipartForm(request, IMPORT_MAX_BYTES);
  const csv = form.get(importFields.csv);
  if (!(csv instanceof File)) throw new AppError("bad_request", `Send the CSV as a file in the field "${importFields.csv}".`);
  const files = form.getAll(importFields.images).filter((value): value is File => value instanceof File && value.size > 0);
  if (files.length === 0) throw new AppError("bad_request", `Send the photos (or one archive) in the field "${importFields.images}".`);
  const archive = files.length === 1 && isArchiveName(files[0]!.name);
  const issues: ImportEvent[] = [];
  const images = archive
    ? imagesFromArchiveUpload(files[0]!, (issue) => issues.push({ type: "error", image: issue.path, message: issue.message }))
    : imagesFromFiles(files);
  const events = importCatalog(ctx, await csv.text(), images, query);
  // The CSV's header is checked before the stream starts, so a wrong file is a plain 400.
  const first = await events.next();
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
        if (next.done) controller.close();
        else controller.enqueue(line(next.value));
      } catch (error) {
        const appError = toAppError(error);
        controller.enqueue(line({ type: "failed", code: appError.code, message: appError.message }));
        controller.close();
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson", "Cache-Control": "no-store" } });
});

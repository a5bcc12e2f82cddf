import { parseOrThrow } from "@/lib/errors";
import { addItem } from "@/lib/live/catalog-editor";
import { requireAdmin } from "@/lib/server/auth";
import { formFields, getEditorContext, readMultipartForm } from "@/lib/server/admin-form";
import { withErrorResponse } from "@/lib/server/error-response";
import { readImageField } from "@/lib/server/upload";
import { toParamRecord } from "@/lib/share/search-params";
import { ADD_MAX_BYTES_OVERHEAD, addFieldsSchema, addQuerySchema, toAddResponse } from "./schema";

/**
 * Adds one product (admin): multipart with the photo in `image` and the metadata as
 * text fields. Durable and searchable when the answer comes; near-duplicates are reported.
 */
export const POST = withErrorResponse(async (request: Request) => {
  requireAdmin(request);
  const query = parseOrThrow(addQuerySchema, toParamRecord(new URL(request.url).searchParams));
  const { runtime, ctx } = await getEditorContext(request.signal);
  const maxBytes = runtime.config.MAX_UPLOAD_BYTES;
  const form = await readMultipartForm(request, maxBytes + ADD_MAX_BYTES_OVERHEAD);
  const fields = parseOrThrow(addFieldsSchema, formFields(form));
  const photo = await readImageField(form, maxBytes);
  const result = await addItem(ctx, photo, fields, query);
  return Response.json(toAddResponse(result), { status: 201, headers: { "Cache-Control": "no-store" } });
});

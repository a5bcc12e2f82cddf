import { AppError, parseOrThrow } from "@/lib/errors";
import { removeItems, updateItem } from "@/lib/live/catalog-editor";
import { requireAdmin } from "@/lib/server/auth";
import { getEditorContext } from "@/lib/server/admin-form";
import { withErrorResponse } from "@/lib/server/error-response";
import { getSearchRuntime } from "@/lib/server/search-runtime";
import { toItemResponse } from "../schema";
import { itemPathSchema, PATCH_MAX_BYTES, patchBodySchema } from "./schema";

type Context = { params: Promise<{ id: string }> };

/** A product's metadata as stored now (the console keeps it to undo a delete); never cached. */
export const GET = withErrorResponse(async (_request: Request, context: Context) => {
  const { id } = parseOrThrow(itemPathSchema, await context.params);
  const item = (await getSearchRuntime()).service.getItem(id);
  if (!item) throw new AppError("not_found", "No catalog item has that id.");
  return Response.json({ item: toItemResponse(item) }, { headers: { "Cache-Control": "no-store" } });
});

/** Changes a product's metadata (admin); the photo and vector stay. */
export const PATCH = withErrorResponse(async (request: Request, context: Context) => {
  requireAdmin(request);
  const { id } = parseOrThrow(itemPathSchema, await context.params);
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new AppError("unsupported_media_type", "Send the fields to change as application/json.");
  }
  const text = await request.text();
  if (text.length > PATCH_MAX_BYTES) throw new AppError("payload_too_large", "The PATCH body is too large.");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", "The body is not valid JSON.", { cause: error });
  }
  const patch = parseOrThrow(patchBodySchema, raw);
  const { ctx } = await getEditorContext(request.signal);
  const item = await updateItem(ctx, id, patch);
  return Response.json({ item: toItemResponse(item) }, { headers: { "Cache-Control": "no-store" } });
});

/** Removes a product (admin). */
export const DELETE = withErrorResponse(async (request: Request, context: Context) => {
  requireAdmin(request);
  const { id } = parseOrThrow(itemPathSchema, await context.params);
  const { ctx } = await getEditorContext(request.signal);
  const removed = await removeItems(ctx, [id]);
  if (removed === 0) throw new AppError("not_found", "No catalog item has that id.");
  return Response.json({ removed: id }, { headers: { "Cache-Control": "no-store" } });
});

import { AppError, parseOrThrow } from "@/lib/errors";
import { dismissSuspect, undismissSuspect } from "@/lib/live/suspect-dismissals";
import { requireAdmin } from "@/lib/server/auth";
import { withErrorResponse } from "@/lib/server/error-response";
import { getSearchRuntime } from "@/lib/server/search-runtime";
import { dismissPathSchema, type DismissResponse } from "./schema";

type Context = { params: Promise<{ id: string }> };

/** Dismisses a suspect (admin): kept under its label now, durable when answered. */
export const POST = withErrorResponse(async (request: Request, context: Context) => {
  requireAdmin(request);
  const { id } = parseOrThrow(dismissPathSchema, await context.params);
  const runtime = await getSearchRuntime();
  const entry = await runtime.service.getEntry(id);
  if (!entry) throw new AppError("not_found", "No catalog item has that id.");
  const dismissal = await dismissSuspect(runtime.config.CATALOG_DIR, id, entry.item.label);
  const body: DismissResponse = { id, dismissed: true, ...dismissal };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});

/** Undoes a dismissal (admin); answers changed: false when there was none. */
export const DELETE = withErrorResponse(async (request: Request, context: Context) => {
  requireAdmin(request);
  const { id } = parseOrThrow(dismissPathSchema, await context.params);
  const runtime = await getSearchRuntime();
  const changed = await undismissSuspect(runtime.config.CATALOG_DIR, id);
  const body: DismissResponse = { id, dismissed: false, changed };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});

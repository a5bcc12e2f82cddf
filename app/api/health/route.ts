import { withErrorResponse } from "@/lib/server/error-response";
import { getSearchRuntime } from "@/lib/server/search-runtime";
import type { HealthResponse } from "./schema";

/**
 * Readiness: 200 with what is served, or 503 `not_ready` saying what to build. A
 * catalog served read-only (a corrupt change log) still answers 200, with `ok: false`
 * and the problem: searches work, so traffic should keep coming; an operator must act.
 */
export const GET = withErrorResponse(async () => {
  const { service } = await getSearchRuntime();
  const report: HealthResponse = service.health();
  return Response.json(report, { headers: { "Cache-Control": "no-store" } });
});

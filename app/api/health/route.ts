import { AppError } from "@/lib/errors";
import { withErrorResponse } from "@/lib/server/error-response";
import { getSearchRuntime } from "@/lib/server/search-runtime";
import type { HealthResponse } from "./schema";

/** Readiness: 200 with what is served, or 503 `not_ready` saying what to build. */
export const GET = withErrorResponse(async () => {
  const { service } = await getSearchRuntime();
  const report: HealthResponse = service.health();
  if (!report.ok) throw new AppError("not_ready", "The model or index failed its self-check; see the server log.");
  return Response.json(report, { headers: { "Cache-Control": "no-store" } });
});

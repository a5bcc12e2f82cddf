import { AppError, parseOrThrow } from "@/lib/errors";
import { checkAdminToken, requireAdmin } from "@/lib/server/auth";
import { clearedSessionCookie, issueAdminSession, requireSameOrigin, sessionCookie } from "@/lib/server/admin-session";
import { withErrorResponse } from "@/lib/server/error-response";
import { SIGN_IN_MAX_BYTES, signInBodySchema } from "./schema";

/**
 * Signs in to the console: the admin token in a JSON body → a session cookie (HttpOnly,
 * Secure, SameSite=Strict). Same-origin only, so no other site can sign a browser in
 * (login CSRF); wrong tokens count towards the failed-attempt limit.
 */
export const POST = withErrorResponse(async (request: Request) => {
  requireSameOrigin(request);
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new AppError("unsupported_media_type", "Send the token as application/json.");
  }
  const text = await request.text();
  if (text.length > SIGN_IN_MAX_BYTES) throw new AppError("payload_too_large", "The sign-in body is too large.");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", "The body is not valid JSON.", { cause: error });
  }
  const { token } = parseOrThrow(signInBodySchema, raw);
  const now = Date.now();
  const adminToken = checkAdminToken(request, token, process.env, now);
  const session = issueAdminSession(adminToken, now);
  return Response.json(
    { expiresAt: new Date(session.expiresAt).toISOString(), csrfToken: session.csrfToken },
    { headers: { "Cache-Control": "no-store", "Set-Cookie": sessionCookie(session, now) } },
  );
});

/** Signs out: clears the session cookie (a cookie-authenticated request needs its CSRF token). */
export const DELETE = withErrorResponse(async (request: Request) => {
  requireAdmin(request);
  return Response.json({ signedOut: true }, { headers: { "Cache-Control": "no-store", "Set-Cookie": clearedSessionCookie() } });
});

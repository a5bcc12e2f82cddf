import { NextResponse, type NextRequest } from "next/server";
import { ADMIN_SESSION_COOKIE } from "@/lib/server/admin-session";
import { findConsoleSession, isProtectedConsolePath, signInHref } from "@/lib/server/console-session";

/**
 * A per-request CSP nonce for pages (Next's documented way to drop 'unsafe-inline'
 * from script-src): Next reads the nonce from the request's Content-Security-Policy
 * header and puts it on its own inline bootstrap scripts; 'strict-dynamic' then lets
 * those load the app's chunks. Styles keep 'unsafe-inline' (React style attributes).
 * See docs/decisions/0007-security.md. Console pages (/admin) without a valid session
 * are redirected to the sign-in page.
 */
export function proxy(request: NextRequest) {
  // The console's pages: no valid session, no page (docs/decisions/0020-admin-console.md).
  const { pathname } = request.nextUrl;
  if (isProtectedConsolePath(pathname) && !findConsoleSession(request.cookies.get(ADMIN_SESSION_COOKIE)?.value)) {
    return NextResponse.redirect(new URL(signInHref(pathname), request.url), 303);
  }
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const dev = process.env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // data: for the query photo carried in the share URL, blob: for the upload preview.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: API answers carry their own strict policy (next.config.ts), assets need none.
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon|robots.txt).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};

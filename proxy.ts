import { NextResponse, type NextRequest } from "next/server";

/**
 * A per-request CSP nonce for pages (Next's documented way to drop 'unsafe-inline'
 * from script-src): Next reads the nonce from the request's Content-Security-Policy
 * header and puts it on its own inline bootstrap scripts; 'strict-dynamic' then lets
 * those load the app's chunks. Styles keep 'unsafe-inline' (React style attributes).
 * See docs/decisions/0007-security.md.
 */
export function proxy(request: NextRequest) {
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

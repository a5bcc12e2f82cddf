import type { NextConfig } from "next";

// Server actions carry the search upload: leave the same multipart room as lib/server/upload.ts.
const maxUploadBytes = Number(process.env.MAX_UPLOAD_BYTES) || 10 * 1024 * 1024;

const contentSecurityPolicy = [
  "default-src 'self'",
  // Next's inline bootstrap scripts need 'unsafe-inline' without a nonce-setting proxy; dev also needs eval.
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  // data: for the query photo carried in the share URL, blob: for the upload preview.
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const nextConfig: NextConfig = {
  // Separate build folders let benchmarks and tests build side by side (NEXT_DIST_DIR=.next-bench).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native addons must be loaded by Node at run time, never bundled.
  serverExternalPackages: ["onnxruntime-node", "sharp", "hnswlib-node"],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: maxUploadBytes + 64 * 1024 },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;

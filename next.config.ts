import type { NextConfig } from "next";

// Server actions carry the search upload: leave the same multipart room as lib/server/upload.ts.
const maxUploadBytes = Number(process.env.MAX_UPLOAD_BYTES) || 10 * 1024 * 1024;

// Pages get a per-request nonce policy from proxy.ts (no 'unsafe-inline' scripts). API
// answers are JSON or photos, never documents to run: nothing may load from them.
const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

const nextConfig: NextConfig = {
  // Separate build folders let benchmarks and tests build side by side (NEXT_DIST_DIR=.next-bench).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native addons must be loaded by Node at run time, never bundled.
  serverExternalPackages: ["onnxruntime-node", "sharp", "hnswlib-node"],
  poweredByHeader: false,
  // `tsc --noEmit` is CI's first step; a benchmark build (bench/soak.ts) may skip the repeat
  // so that another module's half-done types do not stop a measurement of the served code.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === "1" },
  experimental: {
    serverActions: { bodySizeLimit: maxUploadBytes + 64 * 1024 },
  },
  async headers() {
    return [
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: apiContentSecurityPolicy }],
      },
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;

import type { Metadata } from "next";
import { connection } from "next/server";
import { ApiReference } from "../_components/api-reference";

export const metadata: Metadata = { title: "API docs" };

export default async function DocsPage() {
  // Rendered per request, so its scripts carry the CSP nonce (a prerendered page has none).
  await connection();
  return (
    <section aria-labelledby="docs-heading" className="flex flex-col gap-4">
      <div>
        <h1 id="docs-heading" className="text-2xl font-semibold tracking-tight">
          API docs
        </h1>
        <p className="mt-1 text-neutral-600">
          Every endpoint, from the same OpenAPI document as{" "}
          <a href="/api/openapi.json" className="text-blue-800 underline">
            /api/openapi.json
          </a>
          . Open an endpoint and press “Test Request” to call it on this server.
        </p>
      </div>
      <ApiReference />
    </section>
  );
}

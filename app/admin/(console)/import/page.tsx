import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { ImportForm } from "../../_components/import-form";

export const metadata: Metadata = { title: "Import" };

/** Bulk import through POST /api/items/import, its NDJSON progress drawn as a bar. */
export default async function ImportPage() {
  const session = await requireConsoleSession("/admin/import");
  return (
    <section aria-labelledby="import-heading" className="flex flex-col gap-4">
      <h1 id="import-heading" className="text-2xl font-semibold tracking-tight">
        Import products
      </h1>
      <p className="text-sm text-neutral-700">Each row is durable once it is counted; rerunning an interrupted import completes it.</p>
      <ImportForm csrfToken={session.csrfToken} />
    </section>
  );
}

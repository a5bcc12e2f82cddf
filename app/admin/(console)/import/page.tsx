import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { ConsolePage } from "../../_components/console-page";
import { ImportForm } from "../../_components/import-form";

export const metadata: Metadata = { title: "Import" };

/** Bulk import through POST /api/items/import, its NDJSON progress drawn as a bar. */
export default async function ImportPage() {
  const session = await requireConsoleSession("/admin/import");
  return (
    <ConsolePage id="import" title="Import products" intro="Each row is durable once it is counted; rerunning an interrupted import completes it.">
      <ImportForm csrfToken={session.csrfToken} />
    </ConsolePage>
  );
}

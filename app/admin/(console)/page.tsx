import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { QualityPanel } from "../_components/quality-panel";

export const metadata: Metadata = { title: "Quality" };

/** Overview: the latest evaluation's chart and per-category quality, and the most-confused pairs. */
export default async function ConsoleOverviewPage() {
  await requireConsoleSession("/admin");
  return (
    <section aria-labelledby="quality-heading" className="flex flex-col gap-6">
      <h1 id="quality-heading" className="text-2xl font-semibold tracking-tight">
        Catalog quality
      </h1>
      <QualityPanel />
    </section>
  );
}

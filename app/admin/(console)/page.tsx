import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { ConsolePage } from "../_components/console-page";
import { QualityPanel } from "../_components/quality-panel";

export const metadata: Metadata = { title: "Quality" };

/** Overview: the latest evaluation's chart and per-category quality, and the most-confused pairs. */
export default async function ConsoleOverviewPage() {
  await requireConsoleSession("/admin");
  return (
    <ConsolePage id="quality" title="Catalog quality" wide>
      <QualityPanel />
    </ConsolePage>
  );
}

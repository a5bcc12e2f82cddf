import type { Metadata } from "next";
import { readEvalChart } from "@/lib/metrics/report-chart";
import { requireConsoleSession } from "@/lib/server/console-session";
import { QualityPanel } from "../_components/quality-panel";

export const metadata: Metadata = { title: "Quality" };

/** Overview: per-category quality of the latest evaluation, its chart, and the most-confused pairs. */
export default async function ConsoleOverviewPage() {
  await requireConsoleSession("/admin");
  const chart = await readEvalChart();
  return (
    <section aria-labelledby="quality-heading" className="flex flex-col gap-6">
      <h1 id="quality-heading" className="text-2xl font-semibold tracking-tight">
        Catalog quality
      </h1>
      {chart ? (
        <figure className="rounded-lg border border-neutral-200 bg-white p-4">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={chart} alt="Chart of the latest evaluation: precision at 1, 5 and 10 for each model variant" className="h-auto w-full" />
          <figcaption className="mt-2 text-sm text-neutral-600">The latest evaluation (npm run eval, reports/eval.svg).</figcaption>
        </figure>
      ) : (
        <p className="text-sm text-neutral-600">No evaluation chart yet: run npm run eval.</p>
      )}
      <QualityPanel />
    </section>
  );
}

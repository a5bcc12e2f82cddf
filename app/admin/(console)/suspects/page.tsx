import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { SuspectsList } from "../../_components/suspects-list";

export const metadata: Metadata = { title: "Suspected mislabels" };

/** Products whose label their photo and neighbours disagree with, ranked, with Relabel and Dismiss. */
export default async function SuspectsPage() {
  await requireConsoleSession("/admin/suspects");
  return (
    <section aria-labelledby="suspects-heading" className="flex flex-col gap-4">
      <h1 id="suspects-heading" className="text-2xl font-semibold tracking-tight">
        Suspected mislabels
      </h1>
      <p className="text-sm text-neutral-700">
        Each product&apos;s label against what the classifier and its nearest neighbours say. Relabel changes its articleType; Dismiss keeps the label and stops listing it. Both can be undone below.
      </p>
      <SuspectsList />
    </section>
  );
}

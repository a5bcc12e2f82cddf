import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { ConsolePage } from "../../_components/console-page";
import { SuspectsList } from "../../_components/suspects-list";

export const metadata: Metadata = { title: "Suspected mislabels" };

/** Products whose label their photo and neighbours disagree with, ranked, with Relabel and Dismiss. */
export default async function SuspectsPage() {
  await requireConsoleSession("/admin/suspects");
  return (
    <ConsolePage
      id="suspects"
      title="Suspected mislabels"
      intro="Each product's label against what the classifier and its nearest neighbours say. Relabel changes its articleType; Dismiss keeps the label and stops listing it. Both can be undone below."
    >
      <SuspectsList />
    </ConsolePage>
  );
}

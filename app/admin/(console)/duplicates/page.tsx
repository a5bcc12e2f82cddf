import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { ConsolePage } from "../../_components/console-page";
import { DuplicatesList } from "../../_components/duplicates-list";

export const metadata: Metadata = { title: "Duplicates & blank photos" };

/** Near-duplicate groups and blank photos, with keep / delete (each delete undoable, photo included). */
export default async function DuplicatesPage() {
  await requireConsoleSession("/admin/duplicates");
  return (
    <ConsolePage
      id="duplicates"
      title="Duplicates & blank photos"
      intro="Keep deletes the other products of a group; every delete keeps the product and its photo in this tab so that Undo can add it back."
    >
      <DuplicatesList />
    </ConsolePage>
  );
}

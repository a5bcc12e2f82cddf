import type { Metadata } from "next";
import { requireConsoleSession } from "@/lib/server/console-session";
import { DuplicatesList } from "../../_components/duplicates-list";

export const metadata: Metadata = { title: "Duplicates & blank photos" };

/** Near-duplicate groups and blank photos, with keep / delete (each delete undoable, photo included). */
export default async function DuplicatesPage() {
  await requireConsoleSession("/admin/duplicates");
  return (
    <section aria-labelledby="duplicates-heading" className="flex flex-col gap-4">
      <h1 id="duplicates-heading" className="text-2xl font-semibold tracking-tight">
        Duplicates &amp; blank photos
      </h1>
      <p className="text-sm text-neutral-700">Keep deletes the other products of a group; every delete keeps the product and its photo in this tab so that Undo can add it back.</p>
      <DuplicatesList />
    </section>
  );
}

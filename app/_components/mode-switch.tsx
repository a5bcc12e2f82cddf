import Link from "next/link";
import { searchModes, type SearchMode } from "@/lib/colour/colour-fusion";

const modeNames: Record<SearchMode, string> = { style: "Same style", balanced: "Balanced", colour: "Same colour" };

/** What the ranking favours, as links to the same search in each mode (server-rendered, no script needed). */
export function ModeSwitch({ mode, hrefFor }: { mode: SearchMode; hrefFor: (mode: SearchMode) => string }) {
  return (
    <nav aria-label="Rank by" className="flex flex-col gap-1">
      <p className="text-xs font-medium uppercase tracking-wide text-neutral-500">Rank by</p>
      <ul className="flex overflow-hidden rounded-md border border-neutral-300 text-sm" data-testid="mode-switch">
        {searchModes.map((m) => (
          <li key={m} className="flex-1">
            <Link
              href={hrefFor(m)}
              aria-current={m === mode ? "true" : undefined}
              className={`block px-2 py-1 text-center ${m === mode ? "bg-neutral-800 font-medium text-white" : "bg-white text-neutral-800 hover:bg-neutral-100"}`}
            >
              {modeNames[m]}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

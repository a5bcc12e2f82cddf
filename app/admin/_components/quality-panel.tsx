"use client";

import { ItemPhoto } from "./item-photo";
import { LoadState } from "./load-state";
import { useConsole } from "./console-context";
import { useConsoleData } from "./use-console-data";

const score = (value: number | undefined) => (value === undefined ? "—" : value.toFixed(3));

/** Per-category quality of the latest evaluation (weakest first) and the most-confused pairs with example photos. */
export function QualityPanel() {
  const { api } = useConsole();
  const loaded = useConsoleData(() => api.quality());
  if (loaded.state !== "ready") return <LoadState loaded={loaded} what="the quality report" />;
  const { categories, confused } = loaded.value;
  const sorted = [...categories].sort((a, b) => a.pAt5 - b.pAt5);
  const hasColour = categories.some((category) => category.typeColourPAt5 !== undefined);
  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="per-category-heading" className="flex flex-col gap-2">
        <h2 id="per-category-heading" className="text-lg font-semibold">
          Per category, weakest first
        </h2>
        <div className="max-h-[28rem] overflow-auto rounded-lg border border-neutral-200 bg-white" tabIndex={0} role="region" aria-label="Per-category quality table">
          <table className="w-full text-sm" data-testid="quality-table">
            <thead className="sticky top-0 bg-neutral-100 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">Category</th>
                <th scope="col" className="px-3 py-2 text-right">Queries</th>
                <th scope="col" className="px-3 py-2 text-right">P@5</th>
                {hasColour && <th scope="col" className="px-3 py-2 text-right">Type + colour P@5</th>}
              </tr>
            </thead>
            <tbody>
              {sorted.map((category) => (
                <tr key={category.label} className="border-t border-neutral-100">
                  <th scope="row" className="px-3 py-1 text-left font-normal">{category.label}</th>
                  <td className="px-3 py-1 text-right tabular-nums">{category.queries ?? "—"}</td>
                  <td className="px-3 py-1 text-right tabular-nums">{score(category.pAt5)}</td>
                  {hasColour && <td className="px-3 py-1 text-right tabular-nums">{score(category.typeColourPAt5)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="confused-heading" className="flex flex-col gap-3">
        <h2 id="confused-heading" className="text-lg font-semibold">
          Most-confused pairs
        </h2>
        {confused.length === 0 && <p className="text-sm text-neutral-600">No confused pairs in the report.</p>}
        <ul className="grid gap-3 md:grid-cols-2" data-testid="confused-pairs">
          {confused.map((pair) => (
            <li key={`${pair.label}→${pair.confusedWith}`} className="rounded-lg border border-neutral-200 bg-white p-4">
              <p className="text-sm">
                <strong>{pair.label}</strong> found as <strong>{pair.confusedWith}</strong>
                {pair.rate !== undefined && <span className="text-neutral-600"> ({Math.round(pair.rate * 100)}% of its top-5 results)</span>}
                {pair.rate === undefined && pair.count !== undefined && <span className="text-neutral-600"> ({pair.count} times)</span>}
              </p>
              {pair.examples.length > 0 && (
                <ul className="mt-2 flex flex-wrap gap-2" aria-label={`Examples of ${pair.label} confused with ${pair.confusedWith}`}>
                  {pair.examples.slice(0, 6).map((id) => (
                    <li key={id}>
                      <ItemPhoto id={id} alt={`Example ${id}`} size="sm" />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

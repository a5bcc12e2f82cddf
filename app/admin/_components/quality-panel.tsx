"use client";

import { ItemPhoto } from "./item-photo";
import { LoadState } from "./load-state";
import { useConsole } from "./console-context";
import { useConsoleData } from "./use-console-data";

const score = (value: number | null) => (value === null ? "—" : value.toFixed(3));

/**
 * Per-category quality of the latest evaluation (weakest first) beside the most-confused pairs with
 * example photos; the report's own chart (every protocol, so several screens tall) folds away below.
 */
export function QualityPanel() {
  const { api } = useConsole();
  const loaded = useConsoleData(() => api.quality());
  if (loaded.state !== "ready") return <LoadState loaded={loaded} what="the quality report" />;
  const { report, categories, confusedPairs } = loaded.value;
  const hasColour = categories.some((category) => category.typeColourPAt5 !== null);
  return (
    <div className="flex flex-col gap-6">
      {report ? (
        <div className="rounded-lg border border-neutral-200 bg-white p-4 text-sm" data-testid="quality-report">
          <p>
            <strong>{report.title}</strong> — {report.variant}
          </p>
          <dl className="mt-2 grid gap-x-6 gap-y-1 text-xs text-neutral-700 sm:grid-cols-2">
            {Object.entries(report.facts)
              .filter(([name]) => name !== "latency")
              .map(([name, value]) => (
                <div key={name} className="flex gap-2">
                  <dt className="font-medium capitalize">{name}</dt>
                  <dd className="min-w-0 break-words">{String(value)}</dd>
                </div>
              ))}
          </dl>
        </div>
      ) : (
        <p className="text-sm text-neutral-600">No evaluation report yet: run npm run eval for per-category P@5.</p>
      )}
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <section aria-labelledby="per-category-heading" className="flex min-w-0 flex-col gap-2">
          <h2 id="per-category-heading" className="text-lg font-semibold">
            Per category, weakest first
          </h2>
          <p className="text-xs text-neutral-600">
            Products: in the catalog now (greyed when none); test queries and P@5: of the report, which may have been run on a larger catalog.
          </p>
          <div className="max-h-[28rem] overflow-auto rounded-lg border border-neutral-200 bg-white" tabIndex={0} role="region" aria-label="Per-category quality table">
            <table className="w-full text-sm" data-testid="quality-table">
              <thead className="sticky top-0 bg-neutral-100 text-left">
                <tr>
                  <th scope="col" className="px-3 py-2">Category</th>
                  <th scope="col" className="px-3 py-2 text-right">Products</th>
                  <th scope="col" className="px-3 py-2 text-right">Test queries</th>
                  <th scope="col" className="px-3 py-2 text-right">P@5</th>
                  {hasColour && <th scope="col" className="px-3 py-2 text-right">Type + colour P@5</th>}
                </tr>
              </thead>
              <tbody>
                {categories.map((category) => (
                  <tr key={category.label} className={`border-t border-neutral-100 ${category.items === 0 ? "text-neutral-500" : ""}`}>
                    <th scope="row" className="px-3 py-1 text-left font-normal">{category.label}</th>
                    <td className="px-3 py-1 text-right tabular-nums">{category.items}</td>
                    <td className="px-3 py-1 text-right tabular-nums">{category.queries}</td>
                    <td className="px-3 py-1 text-right tabular-nums">{score(category.pAt5)}</td>
                    {hasColour && <td className="px-3 py-1 text-right tabular-nums">{score(category.typeColourPAt5)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section aria-labelledby="confused-heading" className="flex min-w-0 flex-col gap-3">
          <h2 id="confused-heading" className="text-lg font-semibold">
            Most-confused pairs
          </h2>
          {confusedPairs.length === 0 && <p className="text-sm text-neutral-600">No confused pairs.</p>}
          <ul className="flex flex-col gap-3" data-testid="confused-pairs">
            {confusedPairs.map(({ labels: [a, b], count, aToB, bToA, share, examples }) => (
              <li key={`${a}|${b}`} className="rounded-lg border border-neutral-200 bg-white p-4">
                <p className="text-sm">
                  <strong>{a}</strong> ↔ <strong>{b}</strong>: {count} products ({Math.round(share * 100)}% of the two)
                </p>
                <p className="text-xs text-neutral-600">
                  {aToB} {a} placed in {b}, {bToA} {b} placed in {a}
                </p>
                {examples.length > 0 && (
                  <ul className="mt-2 flex flex-wrap gap-2" aria-label={`Examples of ${a} and ${b} confused`}>
                    {examples.map((id) => (
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
      {report?.chartSvg && (
        <details className="rounded-lg border border-neutral-200 bg-white p-4">
          <summary className="cursor-pointer text-sm font-medium">The report&apos;s chart: every protocol, metric and category</summary>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(report.chartSvg)}`}
            alt={`Chart of ${report.title}: precision for each category`}
            className="mt-3 h-auto w-full"
          />
        </details>
      )}
    </div>
  );
}

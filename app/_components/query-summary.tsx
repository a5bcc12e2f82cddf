import Link from "next/link";
import type { PredictedLabel } from "@/lib/search/types";
import { formatScore } from "./product-card";

/** The query photo of a results page and, when the model has a classifier, its guessed category. */
export function QuerySummary({ src, predicted }: { src: string; predicted: PredictedLabel[] | null }) {
  const [best, ...others] = predicted ?? [];
  return (
    <figure className="flex flex-col items-center gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <p className="self-start text-xs font-medium uppercase tracking-wide text-neutral-500">Your photo</p>
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={src} alt="Your query photo" className="h-40 w-auto max-w-full object-contain" data-testid="query-image" />
      {best && (
        <figcaption className="w-full text-sm" data-testid="predicted">
          <p>
            Looks like{" "}
            <Link href={categoryHref(best.label)} className="font-semibold text-blue-800 underline-offset-2 hover:underline">
              {best.label}
            </Link>{" "}
            <span className="text-neutral-600">({formatScore(best.confidence)} confident)</span>
          </p>
          {others.length > 0 && (
            <p className="mt-1 text-xs text-neutral-600">
              or{" "}
              {others.map((label, i) => (
                <span key={label.label}>
                  {i > 0 && ", "}
                  <Link href={categoryHref(label.label)} className="underline-offset-2 hover:underline">
                    {label.label}
                  </Link>{" "}
                  ({formatScore(label.confidence)})
                </span>
              ))}
            </p>
          )}
        </figcaption>
      )}
    </figure>
  );
}

/** The drill-down page of an articleType. */
export function categoryHref(articleType: string): string {
  return `/categories/${encodeURIComponent(articleType)}`;
}

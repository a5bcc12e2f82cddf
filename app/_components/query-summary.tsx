import Link from "next/link";
import type { PredictedColour } from "@/lib/colour/colour-names";
import type { QueryRegion } from "@/lib/region/query-region";
import type { PredictedLabel } from "@/lib/search/types";
import { formatScore } from "./product-card";

type QuerySummaryProps = { src: string; predicted: PredictedLabel[] | null; colour?: PredictedColour | null; region?: QueryRegion };

/** The query photo of a results page, the region searched, and the guessed category and colour when the model has them. */
export function QuerySummary({ src, predicted, colour, region }: QuerySummaryProps) {
  const [best, ...others] = predicted ?? [];
  const boxed = region && region.source !== "none" && (region.w < 0.999 || region.h < 0.999);
  return (
    <figure className="flex flex-col items-center gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <p className="self-start text-xs font-medium uppercase tracking-wide text-neutral-500">Your photo</p>
      <div className="relative">
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src={src} alt="Your query photo" className="block h-40 w-auto max-w-full object-contain" data-testid="query-image" />
        {boxed && (
          <div
            aria-hidden="true"
            data-testid="query-region"
            className="pointer-events-none absolute border-2 border-amber-500"
            style={{ left: `${100 * region.x}%`, top: `${100 * region.y}%`, width: `${100 * region.w}%`, height: `${100 * region.h}%` }}
          />
        )}
      </div>
      {region && (
        <p className="self-start text-xs text-neutral-600" data-testid="region-source">
          {region.source === "auto" ? (boxed ? "Searched the product found in the box" : "Searched the whole photo") : region.source === "user" ? "Searched your crop" : "Searched the whole photo"}
        </p>
      )}
      {colour && (
        <p className="self-start text-sm" data-testid="predicted-colour">
          Colour: <span className="font-semibold">{colour.label}</span>
        </p>
      )}
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

import Link from "next/link";
import type { PredictedColour } from "@/lib/colour/colour-names";
import type { QueryRegion } from "@/lib/region/query-region";
import type { PredictedLabel } from "@/lib/search/types";
import { buildCategoryHref } from "@/lib/share/category-url";
import { CropBox } from "./crop-box";
import { formatScore } from "./product-card";

type QuerySummaryProps = {
  /** The query photo (absent for a search by words alone). */
  src?: string;
  /** The words searched for, and the URL of the same search without them. */
  text?: { value: string; removeHref: string };
  predicted: PredictedLabel[] | null;
  colour?: PredictedColour | null;
  region?: QueryRegion;
  /** This search's share URL: the crop box searches again through it. */
  shareHref: string;
};

/** The query photo of a results page with the region searched as a movable crop box, and the guessed category and colour when the model has them. */
export function QuerySummary({ src, text, predicted, colour, region, shareHref }: QuerySummaryProps) {
  const [best, ...others] = predicted ?? [];
  const boxed = region && region.source !== "none" && (region.w < 0.999 || region.h < 0.999);
  return (
    <figure className="flex flex-col items-center gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      {text && (
        <p className="flex w-full items-center gap-2 text-sm" data-testid="query-text">
          <span className="text-xs font-medium uppercase tracking-wide text-neutral-500">Words</span>
          <span className="min-w-0 flex-1 truncate font-semibold">“{text.value}”</span>
          <Link href={text.removeHref} className="rounded px-1.5 text-blue-800 hover:bg-blue-50" aria-label={`Remove the words “${text.value}”`} data-testid="remove-text">
            ✕
          </Link>
        </p>
      )}
      {src && (
        <>
          <p className="self-start text-xs font-medium uppercase tracking-wide text-neutral-500">Your photo</p>
          <CropBox key={region ? `${region.source}:${region.x},${region.y},${region.w},${region.h}` : "none"} region={region} href={shareHref}>
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={src} alt="Your query photo" className="block h-40 w-auto max-w-full object-contain" data-testid="query-image" draggable={false} />
          </CropBox>
        </>
      )}
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
  return buildCategoryHref(articleType);
}

import Link from "next/link";
import type { CatalogItem } from "@/lib/catalog/types";
import { toImageUrl } from "@/app/api/schema";
import { MatchBadge, type MatchInfo } from "./match-badge";

export type ProductSummary = Pick<CatalogItem, "id" | "productDisplayName" | "articleType" | "baseColour">;

/** One product tile: photo, name, category and colour, with the match quality (or the similarity) when it is a search hit. */
export function ProductCard({ product, score, match }: { product: ProductSummary; score?: number; match?: MatchInfo }) {
  return (
    <Link
      href={`/items/${encodeURIComponent(product.id)}`}
      className="group flex h-full flex-col rounded-lg border border-neutral-200 bg-white p-2 transition hover:border-neutral-400 hover:shadow-sm"
    >
      <div className="flex aspect-[3/4] items-center justify-center overflow-hidden rounded bg-white">
        {/* Catalog photos are small and served immutable; next/image would only re-encode them. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={toImageUrl(product.id)}
          alt={product.productDisplayName}
          width={60}
          height={80}
          loading="lazy"
          className="h-full w-full object-contain transition group-hover:scale-105"
        />
      </div>
      <div className="mt-2 flex flex-1 flex-col gap-1 text-sm">
        {match && <MatchBadge match={match} />}
        {!match && score !== undefined && (
          <span className="self-start rounded bg-blue-50 px-1.5 py-0.5 text-xs font-medium text-blue-800">
            {formatScore(score)} match
          </span>
        )}
        <span className="line-clamp-2 font-medium text-neutral-900">{product.productDisplayName}</span>
        <span className="text-xs text-neutral-600">
          {product.articleType}
          {product.baseColour ? ` · ${product.baseColour}` : ""}
        </span>
      </div>
    </Link>
  );
}

/** Cosine similarity as a percentage, "87.3%". */
export function formatScore(score: number): string {
  return `${(score * 100).toFixed(1)}%`;
}

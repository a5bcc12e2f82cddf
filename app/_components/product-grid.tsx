import type { ReactNode } from "react";
import { IdenticalPhotos } from "./identical-photos";
import type { MatchInfo } from "./match-badge";
import { ProductCard, type ProductSummary } from "./product-card";

type GridEntry = { product: ProductSummary; score?: number; match?: MatchInfo; copies?: ProductSummary[] };

/** A responsive grid of products, in the given order (best first for search results), with optional actions under each. */
export function ProductGrid({ products, label, actions }: { products: GridEntry[]; label: string; actions?: (product: ProductSummary) => ReactNode }) {
  return (
    <ol aria-label={label} className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-5" data-testid="product-grid">
      {products.map(({ product, score, match, copies }) => (
        // With actions, the card fills the row's height above them instead of running over them.
        <li key={product.id} data-item-id={product.id} className={actions ? "grid grid-rows-[1fr_auto]" : undefined}>
          <ProductCard product={product} score={score} match={match} />
          {copies && copies.length > 0 && <IdenticalPhotos copies={copies} />}
          {actions?.(product)}
        </li>
      ))}
    </ol>
  );
}

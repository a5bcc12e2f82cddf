import { ProductCard, type ProductSummary } from "./product-card";

/** A responsive grid of products, in the given order (best first for search results). */
export function ProductGrid({ products, label }: { products: { product: ProductSummary; score?: number }[]; label: string }) {
  return (
    <ol aria-label={label} className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-5" data-testid="product-grid">
      {products.map(({ product, score }) => (
        <li key={product.id} data-item-id={product.id}>
          <ProductCard product={product} score={score} />
        </li>
      ))}
    </ol>
  );
}

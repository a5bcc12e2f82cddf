import Link from "next/link";
import type { ProductSummary } from "./product-card";

/** The other products sharing a result's photo, folded under "N identical photos" (no script needed). */
export function IdenticalPhotos({ copies }: { copies: ProductSummary[] }) {
  return (
    <details className="mt-1 text-xs text-neutral-700" data-testid="identical-photos">
      <summary className="cursor-pointer">{copies.length + 1} identical photos</summary>
      <ul className="mt-1 flex flex-col gap-0.5">
        {copies.map((copy) => (
          <li key={copy.id}>
            <Link href={`/items/${encodeURIComponent(copy.id)}`} className="text-blue-800 underline" data-item-id={copy.id}>
              {copy.productDisplayName}
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}

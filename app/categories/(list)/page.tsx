import type { Metadata } from "next";
import Link from "next/link";
import { getCategorySummaries } from "@/lib/server/catalog-facets";
import { getPageRuntime } from "@/lib/server/page-runtime";
import { toImageUrl } from "../../api/schema";
import { ErrorPanel } from "../../_components/error-panel";
import { categoryHref } from "../../_components/query-summary";

export const metadata: Metadata = { title: "Categories" };

/** Every articleType of the catalog with its size and a sample photo. */
export default async function CategoriesPage() {
  const runtime = await getPageRuntime();
  if (!runtime.ok) return <ErrorPanel error={runtime.error} />;
  const categories = getCategorySummaries(runtime.value.service.items);
  return (
    <section aria-labelledby="categories-heading" className="flex flex-col gap-4">
      <h1 id="categories-heading" className="text-2xl font-semibold tracking-tight">
        Categories
      </h1>
      <p className="text-neutral-600">
        {categories.length} categories, {runtime.value.service.items.length} products.
      </p>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-6" data-testid="category-list">
        {categories.map(({ value, count, sample }) => (
          <li key={value}>
            <Link
              href={categoryHref(value)}
              className="flex h-full flex-col items-center gap-2 rounded-lg border border-neutral-200 bg-white p-3 text-center hover:border-neutral-400"
            >
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={toImageUrl(sample.id)} alt="" width={60} height={80} loading="lazy" className="h-24 w-auto object-contain" />
              <span className="font-medium">{value}</span>
              <span className="text-xs text-neutral-600">{count} products</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { groupCategoriesByMaster } from "@/lib/catalog/category-groups";
import { formatCount } from "@/lib/plural";
import { getPageRuntime } from "@/lib/server/page-runtime";
import { toImageUrl } from "../../api/schema";
import { ErrorPanel } from "../../_components/error-panel";
import { categoryHref } from "../../_components/query-summary";

export const metadata: Metadata = { title: "Categories" };

/** Every articleType of the catalog with its size and a sample photo, grouped by department (masterCategory). */
export default async function CategoriesPage() {
  const runtime = await getPageRuntime();
  if (!runtime.ok) return <ErrorPanel error={runtime.error} />;
  const groups = groupCategoriesByMaster(runtime.value.service.items);
  const categoryCount = groups.reduce((sum, group) => sum + group.categories.length, 0);
  return (
    <section aria-labelledby="categories-heading" className="flex flex-col gap-4">
      <h1 id="categories-heading" className="text-2xl font-semibold tracking-tight">
        Categories
      </h1>
      <p className="text-neutral-600">
        {formatCount(categoryCount, "category", "categories")}, {formatCount(runtime.value.service.items.length, "product")}.
      </p>
      <div className="flex flex-col gap-6" data-testid="category-list">
        {groups.map((group) => (
          <section key={group.masterCategory} aria-labelledby={`dept-${group.masterCategory}`} className="flex flex-col gap-2">
            <h2 id={`dept-${group.masterCategory}`} className="text-lg font-semibold">
              {group.masterCategory} <span className="text-sm font-normal text-neutral-600">({formatCount(group.count, "product")})</span>
            </h2>
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-6">
              {group.categories.map(({ value, count, sample }) => (
                <li key={value}>
                  <Link
                    href={categoryHref(value)}
                    className="flex h-full flex-col items-center gap-2 rounded-lg border border-neutral-200 bg-white p-3 text-center hover:border-neutral-400"
                  >
                    {/* eslint-disable-next-line @next/next/no-img-element */}
                    <img src={toImageUrl(sample.id)} alt="" width={60} height={80} loading="lazy" className="h-24 w-auto object-contain" />
                    <span className="font-medium">{value}</span>
                    <span className="text-xs text-neutral-600">{formatCount(count, "product")}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}

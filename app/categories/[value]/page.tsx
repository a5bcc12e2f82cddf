import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatCount } from "@/lib/plural";
import { browseCategory } from "@/lib/search/browse-category";
import { resolveFilters } from "@/lib/server/catalog-facets";
import { attempt, getPageRuntime } from "@/lib/server/page-runtime";
import { buildCategoryHref, parseCategoryParams, type CategoryBrowse } from "@/lib/share/category-url";
import { ErrorPanel } from "../../_components/error-panel";
import { FacetChips } from "../../_components/facet-chips";
import { Pagination } from "../../_components/pagination";
import { ProductGrid } from "../../_components/product-grid";
import { RemoveFilterChips } from "../../_components/result-tools";
import { SearchForm } from "../../_components/search-form";

type Props = {
  params: Promise<{ value: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).value };
}

/** Browse one articleType, a page at a time, narrowed by gender or colour (live counts), and search within it. */
export default async function CategoryPage({ params, searchParams }: Props) {
  // Next has already percent-decoded the segment.
  const { value: articleType } = await params;
  const raw = await searchParams;
  const runtime = await getPageRuntime();
  if (!runtime.ok) return <ErrorPanel error={runtime.error} />;
  const browse = await attempt(() => {
    const parsed = parseCategoryParams(raw);
    return { ...parsed, filters: resolveFilters(runtime.value.facets, parsed.filters) };
  });
  if (!browse.ok) {
    return (
      <ErrorPanel error={browse.error} title="This category link does not work">
        <Link href={buildCategoryHref(articleType)} className="text-blue-800 underline">
          Show all {articleType}
        </Link>
      </ErrorPanel>
    );
  }
  const { filters, page } = browse.value;
  const shown = browseCategory(runtime.value.service.items, articleType, filters, page);
  if (page > Math.max(shown.pageCount, 1)) notFound();
  const hrefWith = (change: Partial<CategoryBrowse>) => buildCategoryHref(articleType, { ...browse.value, page: 1, ...change });
  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <nav aria-label="Breadcrumb" className="text-sm text-neutral-600">
          <Link href="/categories" className="underline-offset-2 hover:underline">
            Categories
          </Link>{" "}
          / <span aria-current="page">{articleType}</span>
        </nav>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">{articleType}</h1>
        <p className="text-neutral-600" role="status" data-testid="category-count">
          {formatCount(shown.total, "product")}
          {filtered ? " match these filters" : ""}
        </p>
      </div>
      <section aria-labelledby="category-search-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="category-search-heading" className="mb-3 font-semibold">
          Search within {articleType}
        </h2>
        <SearchForm
          facets={runtime.value.facets}
          maxUploadBytes={runtime.value.config.MAX_UPLOAD_BYTES}
          maxImagePixels={runtime.value.config.MAX_IMAGE_PIXELS}
          fixedFilters={{ articleType }}
          idPrefix="category-search"
        />
      </section>
      <section aria-label={`${articleType}, page ${page}`} className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="category-filters">
          <RemoveFilterChips filters={filters} hrefFor={(key) => hrefWith({ filters: { ...filters, [key]: undefined } })} />
        </div>
        <FacetChips facets={shown.facets} keys={["gender", "baseColour", "masterCategory"]} filters={filters} hrefFor={(key, value) => hrefWith({ filters: { ...filters, [key]: value } })} />
        {shown.total === 0 ? (
          <div className="rounded-lg border border-neutral-200 bg-white p-6 text-neutral-600" data-testid="no-results">
            <p>No {articleType} match these filters.</p>
            <Link href={hrefWith({ filters: {} })} className="mt-2 inline-block text-blue-800 underline">
              Show all {articleType}
            </Link>
          </div>
        ) : (
          <ProductGrid label={`${articleType} products`} products={shown.items.map((product) => ({ product }))} />
        )}
        <Pagination hrefFor={(n) => hrefWith({ page: n })} page={page} pageCount={shown.pageCount} />
      </section>
    </div>
  );
}

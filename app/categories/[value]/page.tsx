import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { formatCount } from "@/lib/plural";
import { getPageRuntime } from "@/lib/server/page-runtime";
import { ErrorPanel } from "../../_components/error-panel";
import { Pagination } from "../../_components/pagination";
import { ProductGrid } from "../../_components/product-grid";
import { categoryHref } from "../../_components/query-summary";
import { SearchForm } from "../../_components/search-form";

const PAGE_SIZE = 30;
const pageSchema = z.coerce.number().int().min(1).catch(1);

type Props = {
  params: Promise<{ value: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).value };
}

/** Browse one articleType, a page at a time, and search within it. */
export default async function CategoryPage({ params, searchParams }: Props) {
  // Next has already percent-decoded the segment.
  const { value: articleType } = await params;
  const page = pageSchema.parse((await searchParams).page);
  const runtime = await getPageRuntime();
  if (!runtime.ok) return <ErrorPanel error={runtime.error} />;
  const items = runtime.value.service.items.filter((item) => item.articleType === articleType);
  const pageCount = Math.ceil(items.length / PAGE_SIZE);
  if (items.length === 0 || page > pageCount) notFound();
  const shown = items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
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
        <p className="text-neutral-600">{formatCount(items.length, "product")}</p>
      </div>
      <section aria-labelledby="category-search-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="category-search-heading" className="mb-3 font-semibold">
          Search within {articleType}
        </h2>
        <SearchForm
          facets={runtime.value.facets}
          maxUploadBytes={runtime.value.config.MAX_UPLOAD_BYTES}
          fixedFilters={{ articleType }}
          idPrefix="category-search"
        />
      </section>
      <section aria-label={`${articleType}, page ${page}`}>
        <ProductGrid label={`${articleType} products`} products={shown.map((product) => ({ product }))} />
        <Pagination basePath={categoryHref(articleType)} page={page} pageCount={pageCount} />
      </section>
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { CatalogItem } from "@/lib/catalog/types";
import { EXPLORE_MAX } from "@/lib/search/explore";
import { buildItemHref, parseItemParams, type ItemBrowse } from "@/lib/share/item-url";
import { attempt, getPageRuntime } from "@/lib/server/page-runtime";
import { toImageUrl } from "../../api/schema";
import { ErrorPanel } from "../../_components/error-panel";
import { FacetChips } from "../../_components/facet-chips";
import { FeedbackLinks } from "../../_components/feedback-links";
import { ProductGrid } from "../../_components/product-grid";
import { categoryHref } from "../../_components/query-summary";
import { ResultTools, ShowMore } from "../../_components/result-tools";

const SIMILAR_COUNT = 10;

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

async function loadItem(params: Props["params"]) {
  const { id } = await params;
  const runtime = await getPageRuntime();
  // A map lookup only: whatever the id holds, it never reaches the file system.
  return { runtime, item: runtime.ok ? runtime.value.service.getItem(id) : undefined };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { item } = await loadItem(params);
  return { title: item?.productDisplayName ?? "Product" };
}

/** One product, its details and the catalog items that look most like it. */
export default async function ItemPage({ params, searchParams }: Props) {
  const { runtime, item } = await loadItem(params);
  if (!runtime.ok) return <ErrorPanel error={runtime.error} />;
  if (!item) notFound();
  const raw = await searchParams;
  // Filters, page, sort and feedback of "more like this" live in the URL, checked like the search's.
  const similar = await attempt(async () => {
    const browse = parseItemParams(raw);
    return { browse, outcome: await runtime.value.service.similarTo(item.id, { k: SIMILAR_COUNT, ...browse, facets: true }) };
  });
  const browse: ItemBrowse = similar.ok ? similar.value.browse : { filters: {} };
  const { offset = 0, sort = "match", filters = {}, feedback = { positive: [], negative: [] } } = browse;
  const hrefWith = (change: Partial<ItemBrowse>) => buildItemHref(item.id, { ...browse, offset: 0, ...change });
  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="flex flex-col gap-10">
      <article className="grid gap-6 sm:grid-cols-[minmax(0,16rem)_1fr]" aria-labelledby="item-heading">
        <div className="flex items-center justify-center rounded-lg border border-neutral-200 bg-white p-4">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={toImageUrl(item.id)} alt={item.productDisplayName} width={item.width} height={item.height} className="h-64 w-auto object-contain" />
        </div>
        <div>
          <h1 id="item-heading" className="text-2xl font-semibold tracking-tight">
            {item.productDisplayName}
          </h1>
          <ItemDetails item={item} />
        </div>
      </article>
      <section aria-labelledby="similar-heading" className="flex flex-col gap-4">
        <h2 id="similar-heading" className="text-xl font-semibold">
          More like this
        </h2>
        {similar.ok ? (
          <>
            <ResultTools
              sort={sort}
              filters={filters}
              feedback={feedback}
              hrefs={{
                sort: (order) => hrefWith({ sort: order }),
                withoutFilter: (key) => hrefWith({ filters: { ...filters, [key]: undefined } }),
                withoutFeedback: hrefWith({ feedback: undefined }),
              }}
            />
            {similar.value.outcome.facets && (
              <FacetChips
                facets={similar.value.outcome.facets}
                keys={["articleType", "gender", "baseColour"]}
                filters={filters}
                hrefFor={(key, value) => hrefWith({ filters: { ...filters, [key]: value } })}
              />
            )}
            {similar.value.outcome.hits.length === 0 ? (
              <div className="rounded-lg border border-neutral-200 bg-white p-6 text-neutral-600" data-testid="no-results">
                <p>No similar products match these filters.</p>
                {filtered && (
                  <Link href={hrefWith({ filters: {} })} className="mt-2 inline-block text-blue-800 underline">
                    Search everything instead
                  </Link>
                )}
              </div>
            ) : (
              <ProductGrid
                label="Similar products, most similar first"
                products={similar.value.outcome.hits.map(({ item: hit, score }) => ({ product: hit, score }))}
                actions={(product) => <FeedbackLinks id={product.id} name={product.productDisplayName} feedback={feedback} hrefFor={(next) => hrefWith({ feedback: next })} />}
              />
            )}
            <ShowMore
              href={
                similar.value.outcome.hits.length === SIMILAR_COUNT && offset + 2 * SIMILAR_COUNT <= EXPLORE_MAX
                  ? buildItemHref(item.id, { ...browse, offset: offset + SIMILAR_COUNT })
                  : undefined
              }
              from={offset + SIMILAR_COUNT + 1}
            />
          </>
        ) : (
          <ErrorPanel error={similar.error} />
        )}
      </section>
    </div>
  );
}

function ItemDetails({ item }: { item: CatalogItem }) {
  const rows: [string, string][] = [
    ["Gender", item.gender],
    ["Department", item.masterCategory],
    ["Sub-category", item.subCategory],
    ["Colour", item.baseColour],
    ["Season", item.season],
    ["Year", item.year],
    ["Usage", item.usage],
    ["Catalog id", item.id],
  ];
  return (
    <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
      <dt className="text-neutral-600">Category</dt>
      <dd>
        <Link href={categoryHref(item.articleType)} className="text-blue-800 underline-offset-2 hover:underline">
          {item.articleType}
        </Link>
      </dd>
      {rows
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-neutral-600">{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

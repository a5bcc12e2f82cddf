import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { redirect } from "next/navigation";
import { EXPLORE_MAX } from "@/lib/search/explore";
import { groupIdenticalPhotos } from "@/lib/search/group-identical";
import { K_MAX } from "@/lib/search/k-bounds";
import { resolveFilters } from "@/lib/server/catalog-facets";
import { attempt, getPageRuntime } from "@/lib/server/page-runtime";
import { searchByImage, searchByText } from "@/lib/server/search-runtime";
import { encodeQueryParam, queryImageType } from "@/lib/share/query-param";
import { toCropParam } from "@/lib/share/region-param";
import { buildShareHref, parseShareParams } from "@/lib/share/share-url";
import { CopyLink } from "../_components/copy-link";
import { ErrorPanel } from "../_components/error-panel";
import { FeedbackLinks } from "../_components/feedback-links";
import { FilterFields } from "../_components/filter-fields";
import { FilterSheet, FilterSheetButton, FilterSheetProvider } from "../_components/filter-sheet";
import { ModeSwitch } from "../_components/mode-switch";
import { NoMatchPanel } from "../_components/no-match-panel";
import { ProductGrid } from "../_components/product-grid";
import { QuerySummary } from "../_components/query-summary";
import { ResultTools, ShowMore } from "../_components/result-tools";
import { TextField } from "../_components/text-field";
import { WhySimilar } from "../_components/why-similar";

export const metadata: Metadata = { title: "Results" };

type SearchParamsRecord = Record<string, string | string[] | undefined>;

/** Results of a shared search: everything comes from the URL, so it shows the same anywhere. */
export default async function SearchPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const raw = await searchParams;
  const runtime = await getPageRuntime();
  if (!runtime.ok) return <ErrorPanel error={runtime.error} />;
  const shared = await attempt(() => {
    const parsed = parseShareParams(raw);
    return { ...parsed, filters: resolveFilters(runtime.value.facets, parsed.filters) };
  });
  if (!shared.ok) {
    return (
      <ErrorPanel error={shared.error} title="This search link does not work">
        <Link href="/" className="text-blue-800 underline">
          Start a new search
        </Link>
      </ErrorPanel>
    );
  }
  // One URL per search: "Any" selects, other spellings and stray parameters are folded away.
  const canonical = buildShareHref(shared.value);
  if (canonical !== `/search?${toQueryString(raw)}`) redirect(canonical);

  const { query, text, k, filters, region, mode = "balanced", offset = 0, sort = "match", feedback = { positive: [], negative: [] } } = shared.value;
  // Three times k, so that k distinct photos remain once identical photos are folded together.
  const fetched = Math.min(k * 3, K_MAX);
  // A photo (with or without words), or words alone.
  const outcome = await attempt(() =>
    query
      ? searchByImage(runtime.value, query, { k: fetched, filters, region, mode, offset, sort, feedback, facets: true, text })
      : searchByText(runtime.value, text!, { k: fetched, filters, offset, sort, facets: true }),
  );
  const groups = outcome.ok ? groupIdenticalPhotos(outcome.value.hits, k) : [];
  // The next page starts after the last result shown (copies folded into it are not shown again as results).
  const shownUpTo = outcome.ok && groups.length > 0 ? outcome.value.hits.indexOf(groups.at(-1)!.hit) + 1 : 0;
  const more = outcome.ok && outcome.value.hits.length === fetched && offset + shownUpTo + fetched <= EXPLORE_MAX;
  const hrefWith = (change: Partial<typeof shared.value>) => buildShareHref({ ...shared.value, offset: 0, ...change });
  const filtered = Object.values(filters ?? {}).some((value) => value !== undefined);
  const crop = toCropParam(region);
  const src = query && `data:${queryImageType(query)};base64,${Buffer.from(query).toString("base64")}`;
  // On a phone the results come first (the photo and its crop box follow them) and the refine
  // controls open as a sheet from the "Filters" button; a desktop keeps them in the sidebar.
  return (
    <FilterSheetProvider>
      <div className="grid gap-6 lg:grid-cols-[16rem_1fr] lg:gap-8">
        <aside id="query" className="order-2 flex flex-col gap-4 lg:order-1">
          <QuerySummary
            src={src}
            text={text ? { value: text, removeHref: query ? hrefWith({ text: undefined }) : "/" } : undefined}
            predicted={outcome.ok ? outcome.value.predicted : null}
            colour={outcome.ok ? (outcome.value.colour ?? null) : null}
            region={outcome.ok ? outcome.value.region : undefined}
            shareHref={canonical}
          />
          <FilterSheet title="Filters">
            {query && <ModeSwitch mode={mode} hrefFor={(m) => buildShareHref({ ...shared.value, mode: m })} />}
            <Form action="/search" className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4" aria-label="Refine the search">
              {query && <input type="hidden" name="q" value={encodeQueryParam(query)} />}
              <TextField idPrefix="refine" defaultValue={text} />
              {crop && <input type="hidden" name="crop" value={crop} />}
              {mode !== "balanced" && <input type="hidden" name="mode" value={mode} />}
              {sort !== "match" && <input type="hidden" name="sort" value={sort} />}
              {feedback.positive.length > 0 && <input type="hidden" name="positive" value={feedback.positive.join(",")} />}
              {feedback.negative.length > 0 && <input type="hidden" name="negative" value={feedback.negative.join(",")} />}
              <FilterFields facets={(outcome.ok && outcome.value.facets) || runtime.value.facets} defaults={filters} defaultK={k} idPrefix="refine" className="grid grid-cols-2 gap-3 lg:grid-cols-1" />
              <button type="submit" className="rounded-md bg-neutral-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-900">
                Update results
              </button>
            </Form>
          </FilterSheet>
          <Link href="/" className="text-sm text-blue-800 underline">
            New search
          </Link>
        </aside>
        <section aria-labelledby="results-heading" className="order-1 flex flex-col gap-3 lg:order-2 lg:gap-4">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h1 id="results-heading" className="text-2xl font-semibold tracking-tight">
              Similar products
            </h1>
            {outcome.ok && (
              <p className="text-sm text-neutral-600" role="status">
                {groups.length} results in {Math.round(outcome.value.tookMs.total)} ms
              </p>
            )}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {src && (
              <a href="#query" className="shrink-0 rounded border border-neutral-200 bg-white p-0.5 lg:hidden">
                {/* eslint-disable-next-line @next/next/no-img-element */}
                <img src={src} alt="Your photo (see it and adjust the crop)" className="block h-9 w-auto max-w-16 object-contain" />
              </a>
            )}
            <FilterSheetButton active={Object.values(filters ?? {}).filter(Boolean).length} />
            <CopyLink href={canonical} />
          </div>
          <ResultTools
            sort={sort}
            filters={filters ?? {}}
            feedback={feedback}
            hrefs={{
              sort: (order) => hrefWith({ sort: order }),
              withoutFilter: (key) => hrefWith({ filters: { ...filters, [key]: undefined } }),
              withoutFeedback: hrefWith({ feedback: undefined }),
            }}
          />
          {!outcome.ok ? (
            <ErrorPanel error={outcome.error}>
              <Link href="/" className="text-blue-800 underline">
                Try another photo
              </Link>
            </ErrorPanel>
          ) : groups.length === 0 ? (
            <div className="rounded-lg border border-neutral-200 bg-white p-6 text-neutral-600" data-testid="no-results">
              <p>No products match these filters.</p>
              {filtered && (
                <Link href={hrefWith({ filters: {} })} className="mt-2 inline-block text-blue-800 underline">
                  Search everything instead
                </Link>
              )}
            </div>
          ) : (
            <>
              {outcome.value.noCloseMatch && <NoMatchPanel allCategoriesHref={filtered ? buildShareHref({ ...shared.value, filters: {} }) : undefined} />}
              <ProductGrid
                label="Results, best match first"
                products={groups.map(({ hit, copies }) => ({ product: hit.item, ...(query ? { match: hit } : { score: hit.score }), copies: copies.map((copy) => copy.item) }))}
                actions={(product) => (
                  <>
                    <FeedbackLinks id={product.id} name={product.productDisplayName} feedback={feedback} hrefFor={(next) => hrefWith({ feedback: next })} />
                    {query && <WhySimilar id={product.id} name={product.productDisplayName} />}
                  </>
                )}
              />
              <ShowMore href={more ? buildShareHref({ ...shared.value, offset: offset + shownUpTo }) : undefined} from={offset + shownUpTo + 1} />
            </>
          )}
        </section>
      </div>
    </FilterSheetProvider>
  );
}

function toQueryString(raw: SearchParamsRecord): string {
  const record = Object.entries(raw).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v): [string, string] => [key, v]),
  );
  return new URLSearchParams(record).toString();
}

import { getPageRuntime } from "@/lib/server/page-runtime";
import { ErrorPanel } from "./_components/error-panel";
import { SearchForm } from "./_components/search-form";

export default async function HomePage() {
  const runtime = await getPageRuntime();
  return (
    <section aria-labelledby="home-heading" className="mx-auto flex max-w-3xl flex-col gap-6">
      <div>
        <h1 id="home-heading" className="text-2xl font-semibold tracking-tight">
          Find products that look like your photo
        </h1>
        <p className="mt-1 text-neutral-600">
          Upload, drop, paste or take a photo of a product: the search starts at once. Set the filters first if you like, or narrow the results afterwards.
        </p>
        <p className="mt-1 text-sm text-neutral-500">
          A small copy of your photo goes into the results link, so the link can be shared and reopened anywhere.
        </p>
      </div>
      {runtime.ok ? (
        <SearchForm facets={runtime.value.facets} maxUploadBytes={runtime.value.config.MAX_UPLOAD_BYTES} maxImagePixels={runtime.value.config.MAX_IMAGE_PIXELS} />
      ) : (
        <ErrorPanel error={runtime.error} />
      )}
    </section>
  );
}

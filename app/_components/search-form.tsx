"use client";

import { useActionState, useRef, useState, startTransition, type FormEvent } from "react";
import type { CatalogFacets } from "@/lib/server/catalog-facets";
import type { SearchFilters } from "@/lib/vector-store/types";
import { K_DEFAULT } from "@/lib/search/k-bounds";
import { FilterFields } from "./filter-fields";
import { ImagePicker } from "./image-picker";
import { TextField } from "./text-field";
import { submitSearch, type SearchFormState } from "./search-action";
import { shrinkPhoto } from "./shrink-photo";

const initialState: SearchFormState = { error: null };

/** Search form: photo and/or words, filters and k; searches as soon as a photo is chosen, dropped, pasted or taken, and lands on the shareable results URL. */
export function SearchForm({
  facets,
  maxUploadBytes,
  maxImagePixels,
  fixedFilters,
  idPrefix = "search",
}: {
  facets: CatalogFacets;
  maxUploadBytes: number;
  maxImagePixels: number;
  fixedFilters?: SearchFilters;
  idPrefix?: string;
}) {
  const [state, formAction, searching] = useActionState(submitSearch, initialState);
  const [shrinking, setShrinking] = useState(false);
  const pending = searching || shrinking;
  const formRef = useRef<HTMLFormElement>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const error = localError ? { code: "client", message: localError } : state.error;

  // A photo over the limits (or larger than the search needs) is shrunk here first; one the
  // browser cannot shrink is checked here too, so nobody waits for a 10 MB upload to learn it
  // is too big. Submitting through startTransition also keeps the chosen filters (no form reset).
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = new FormData(event.currentTarget);
    const chosen = form.get("image");
    const hasPhoto = chosen instanceof File && chosen.size > 0;
    if (!hasPhoto && String(form.get("text") ?? "").trim() === "") {
      setLocalError("Choose, drop or paste a photo, or type some words, first.");
      return;
    }
    setLocalError(null);
    if (hasPhoto) {
      setShrinking(true);
      const file = await shrinkPhoto(chosen, { maxUploadBytes, maxImagePixels }).finally(() => setShrinking(false));
      if (file.size > maxUploadBytes) {
        setLocalError(`That photo is ${formatMegabytes(file.size)}; the limit is ${formatMegabytes(maxUploadBytes)}.`);
        return;
      }
      form.set("image", file, file.name);
    }
    startTransition(() => formAction(form));
  }

  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} aria-busy={pending} className="flex flex-col gap-4" data-testid="search-form">
      <ImagePicker name="image" inputId={`${idPrefix}-image`} onPicked={() => formRef.current?.requestSubmit()} />
      <TextField idPrefix={idPrefix} />
      <FilterFields facets={facets} defaultK={K_DEFAULT} fixed={fixedFilters} idPrefix={idPrefix} />
      <div className="flex items-center gap-4">
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60"
        >
          {pending ? "Searching…" : "Search"}
        </button>
        <p aria-live="polite" className="text-sm text-neutral-600">
          {shrinking ? "Shrinking the photo…" : searching ? "Uploading and searching…" : ""}
        </p>
      </div>
      <div>
        {error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-error-code={error.code}>
            {error.message}
          </p>
        )}
      </div>
    </form>
  );
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

"use client";

import { useActionState, useState, startTransition, type FormEvent } from "react";
import type { CatalogFacets } from "@/lib/server/catalog-facets";
import type { SearchFilters } from "@/lib/vector-store/types";
import { K_DEFAULT } from "@/lib/search/k-bounds";
import { FilterFields } from "./filter-fields";
import { ImagePicker } from "./image-picker";
import { TextField } from "./text-field";
import { submitSearch, type SearchFormState } from "./search-action";

const initialState: SearchFormState = { error: null };

/** Search form: photo and/or words, filters and k; lands on the shareable results URL. */
export function SearchForm({
  facets,
  maxUploadBytes,
  fixedFilters,
  idPrefix = "search",
}: {
  facets: CatalogFacets;
  maxUploadBytes: number;
  fixedFilters?: SearchFilters;
  idPrefix?: string;
}) {
  const [state, formAction, pending] = useActionState(submitSearch, initialState);
  const [localError, setLocalError] = useState<string | null>(null);
  const error = localError ? { code: "client", message: localError } : state.error;

  // Checked here too so nobody waits for a 10 MB upload to learn it is too big;
  // submitting through startTransition also keeps the chosen filters (no form reset).
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("image");
    const hasPhoto = file instanceof File && file.size > 0;
    if (!hasPhoto && String(form.get("text") ?? "").trim() === "") {
      setLocalError("Choose, drop or paste a photo, or type some words, first.");
      return;
    }
    if (hasPhoto && file.size > maxUploadBytes) {
      setLocalError(`That photo is ${formatMegabytes(file.size)}; the limit is ${formatMegabytes(maxUploadBytes)}.`);
      return;
    }
    setLocalError(null);
    startTransition(() => formAction(form));
  }

  return (
    <form action={formAction} onSubmit={onSubmit} aria-busy={pending} className="flex flex-col gap-4" data-testid="search-form">
      <ImagePicker name="image" inputId={`${idPrefix}-image`} />
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
          {pending ? "Uploading and searching…" : ""}
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

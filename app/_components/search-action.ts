"use server";

import { redirect } from "next/navigation";
import type { ErrorCode } from "@/lib/errors";
import { attempt } from "@/lib/server/page-runtime";
import { resolveFilters } from "@/lib/server/catalog-facets";
import { getSearchRuntime, toSharedQueryImage } from "@/lib/server/search-runtime";
import { readImageField } from "@/lib/server/upload";
import { parseSearchParams } from "@/lib/share/search-params";
import { buildShareHref } from "@/lib/share/share-url";

export type SearchFormState = { error: { code: ErrorCode; message: string } | null };

/**
 * Receives the upload and/or the words, reduces the photo to the canonical query image and
 * redirects to the shareable results URL that carries them; bad input comes back as a message.
 */
export async function submitSearch(_previous: SearchFormState, form: FormData): Promise<SearchFormState> {
  const href = await attempt(async () => {
    const runtime = await getSearchRuntime();
    // Non-string entries are the photo; unknown keys (React's own, for instance) are ignored by the schema.
    const fields = [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === "string");
    const options = parseSearchParams(new URLSearchParams(fields));
    const filters = resolveFilters(runtime.facets, options.filters);
    const text = options.text;
    // Words alone need no photo; with a photo the words narrow its results.
    const photo = form.get("image");
    if (text && !(photo instanceof File && photo.size > 0)) return buildShareHref({ text, k: options.k, filters });
    const upload = await readImageField(form, runtime.config.MAX_UPLOAD_BYTES);
    const query = await toSharedQueryImage(runtime, upload);
    return buildShareHref({ query: query.bytes, text, k: options.k, filters });
  });
  if (!href.ok) return { error: { code: href.error.code, message: href.error.message } };
  redirect(href.value);
}

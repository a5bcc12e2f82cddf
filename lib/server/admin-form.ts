import "server-only";
import { AppError } from "../errors";
import { getSearchRuntime, type SearchRuntime } from "./search-runtime";
import { readMultipartBody } from "./upload";
import type { EditorContext } from "../live/catalog-editor";

/** Reads a multipart/form-data admin request of at most `maxBytes` and parses it. */
export function readMultipartForm(request: Request, maxBytes: number): Promise<FormData> {
  return readMultipartBody(request, {
    maxBytes,
    notMultipart: "Send the request as multipart/form-data.",
    tooLarge: () => new AppError("payload_too_large", `The request body is larger than ${Math.round(maxBytes / 2 ** 20)} MiB.`),
  });
}

/** The text fields of a form as a record (files left out; a repeated field keeps its last value). */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") fields[key] = value;
  return fields;
}

/** An editor context over the process's runtime: embeds go through the inference queue. */
export async function getEditorContext(signal?: AbortSignal): Promise<{ runtime: SearchRuntime; ctx: EditorContext }> {
  const runtime = await getSearchRuntime();
  const ctx: EditorContext = {
    service: runtime.service,
    catalogDir: runtime.config.CATALOG_DIR,
    maxPixels: runtime.config.MAX_IMAGE_PIXELS,
    runHeavy: (work) => runtime.queue.run(work, signal),
  };
  return { runtime, ctx };
}

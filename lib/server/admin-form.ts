import "server-only";
import { AppError } from "../errors";
import { getSearchRuntime, type SearchRuntime } from "./search-runtime";
import type { EditorContext } from "../live/catalog-editor";

/**
 * Reads a multipart/form-data body of at most `maxBytes` (refused from Content-Length
 * when declared, counted while streaming otherwise) and parses it.
 */
export async function readMultipartForm(request: Request, maxBytes: number): Promise<FormData> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new AppError("unsupported_media_type", "Send the request as multipart/form-data.");
  }
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () => new AppError("payload_too_large", `The request body is larger than ${Math.round(maxBytes / 2 ** 20)} MiB.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return await new Response(new Blob(chunks as BlobPart[]), { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new AppError("bad_request", "The multipart body is malformed.", { cause: error });
  }
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

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { AppError, parseOrThrow } from "@/lib/errors";
import { withErrorResponse } from "@/lib/server/error-response";
import { getSearchRuntime } from "@/lib/server/search-runtime";
import { imagePathSchema } from "./schema";

/** The product photo of a catalog item; content-addressed, so cached forever. */
export const GET = withErrorResponse(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = parseOrThrow(imagePathSchema, await context.params);
  const { service } = await getSearchRuntime();
  // The id only ever selects a catalog entry; the path comes from the catalog.
  if (!service.getItem(id)) throw new AppError("not_found", "No catalog item has that id.");
  const image = service.imageFile(id);
  const headers = new Headers({
    ETag: image.etag,
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
  });
  if (matchesEtag(request.headers.get("if-none-match"), image.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const { size } = await stat(image.path);
  headers.set("Content-Type", image.contentType);
  headers.set("Content-Length", String(size));
  const body = Readable.toWeb(createReadStream(image.path)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers });
});

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored. */
function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => opaque(tag) === opaque(etag));
}

/**
 * Slow and vanished clients (issue 14: an upload could hold a connection for 300 s; a
 * client that hung up was logged as an internal error). Over the route handlers; the
 * same through `next start` is in e2e/http-edges.e2e.ts.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { UPLOAD_DIR_PREFIX } from "@/lib/fs/upload-dir";
import { copyCatalog } from "../helpers/live-catalog";
import { formWith, readFileBytes } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "upload-edges-admin-token-0123456789abcdef";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;
process.env.UPLOAD_TIMEOUT_MS = "400";

const search = await import("@/app/api/search/route");
const importRoute = await import("@/app/api/items/import/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const runtime = await getSearchRuntime();
const photo = await readFileBytes(runtime.service.imageFile(runtime.service.items[0]!.id).path);

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await fs.rm(catalogDir, { recursive: true, force: true });
});

/** A multipart body that sends its first half, then nothing: the connection stays open, silent. */
async function stallingBody(form: FormData): Promise<{ body: ReadableStream<Uint8Array>; contentType: string }> {
  const response = new Response(form);
  const contentType = response.headers.get("content-type")!;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, bytes.length >> 1));
    },
  });
  return { body, contentType };
}

const post = (url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>, signal?: AbortSignal) =>
  new Request(url, { method: "POST", body, headers, signal, duplex: "half" } as RequestInit);

describe("a body that stops arriving", () => {
  it("search: 408 request_timeout after UPLOAD_TIMEOUT_MS", async () => {
    const { body, contentType } = await stallingBody(formWith([["image", photo, "q.jpg", "image/jpeg"]]));
    const response = await search.POST(post("http://localhost/api/search", body, { "content-type": contentType }));
    expect(response.status).toBe(408);
    expect((await response.json()).error).toMatchObject({ code: "request_timeout", message: expect.stringMatching(/0.4 s/) });
  });

  it("import: 408 when the body pauses longer than UPLOAD_TIMEOUT_MS, and its temp folder is gone", async () => {
    const csv = new TextEncoder().encode("id,articleType,productDisplayName\n1,Watches,x\n");
    const { body, contentType } = await stallingBody(formWith([["csv", csv, "styles.csv", "text/csv"], ["images", photo, "1.jpg", "image/jpeg"]]));
    const response = await importRoute.POST(post("http://localhost/api/items/import", body, { "content-type": contentType, authorization: `Bearer ${token}` }));
    expect(response.status).toBe(408);
    const own = (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith(`${UPLOAD_DIR_PREFIX}${process.pid}-`));
    expect(own).toEqual([]);
  });
});

describe("a client that hangs up", () => {
  it("is logged as an abort, never as an internal error", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const controller = new AbortController();
    const { contentType } = await stallingBody(formWith([["image", photo, "q.jpg", "image/jpeg"]]));
    // What a server's request looks like when the socket closes mid-body: the signal aborts, the body errors.
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(new TextEncoder().encode("--x"));
        setTimeout(() => {
          controller.abort();
          stream.error(new TypeError("terminated"));
        }, 20);
      },
    });
    const response = await search.POST(post("http://localhost/api/search", body, { "content-type": contentType }, controller.signal));
    expect(response.status).toBe(499);
    expect(error).not.toHaveBeenCalled();
    expect(warn.mock.calls.map((call) => call.join(" "))).toEqual([expect.stringMatching(/^\[aborted\] POST \/api\/search: the client closed the connection/)]);
  });
});

import "server-only";
import { loadConfig, type Config } from "../config";
import { AppError, toAppError } from "../errors";
import { sweepUploadLeftovers } from "../fs/upload-dir";
import { reportAdminTokenAtStart } from "./auth";
import { createSearchService } from "../search/search-service";
import type { SearchOptions, SearchOutcome, SearchService } from "../search/types";
import { toQueryImage, type QueryImage } from "../share/query-image";
import { buildShareHref } from "../share/share-url";
import { getCatalogFacets, resolveFilters, type CatalogFacets } from "./catalog-facets";
import { createInferenceQueue, type InferenceQueue } from "./inference-queue";

/** Everything a request needs, created once per process. */
export type SearchRuntime = {
  config: Config;
  service: SearchService;
  /** Bounds the CPU-heavy work in flight (decoding uploads, preparing and scoring queries) and the searches waiting for it. */
  queue: InferenceQueue;
  /** Facets of the current items (recomputed only when the catalog changed). */
  readonly facets: CatalogFacets;
};

// On globalThis so that dev-mode module reloads reuse the loaded model and index.
const processState = globalThis as typeof globalThis & { __searchRuntime?: Promise<SearchRuntime> };

const notReadyHint =
  "Build the catalog, model and index with the npm scripts listed in the README, " +
  "or point CATALOG_DIR and MODELS_DIR at built ones.";

/**
 * The per-process search runtime, loaded on first use. A failed start is not
 * cached, so the next request retries once the missing files are built. Every call
 * refreshes the catalog (one stat of its change log), so changes made by another
 * process (the CLI, another instance) are served from the next request on.
 */
export async function getSearchRuntime(): Promise<SearchRuntime> {
  processState.__searchRuntime ??= startRuntime().catch((error: unknown) => {
    processState.__searchRuntime = undefined;
    throw explainStartFailure(error);
  });
  const runtime = await processState.__searchRuntime;
  await runtime.service.refresh();
  return runtime;
}

async function startRuntime(): Promise<SearchRuntime> {
  const config = loadConfig();
  // Import uploads of a process that crashed (kill -9, OOM) are only ever cleaned here.
  await sweepUploadLeftovers();
  reportAdminTokenAtStart();
  const service = await createSearchService(config);
  return {
    config,
    service,
    queue: createInferenceQueue({ concurrency: config.INFERENCE_CONCURRENCY, limit: config.INFERENCE_QUEUE_LIMIT }),
    get facets() {
      return getCatalogFacets(service.items);
    },
  };
}

function explainStartFailure(error: unknown): AppError {
  const appError = toAppError(error);
  if (appError.code !== "not_ready") return appError;
  // The engine's own message usually names the command to run; add the general hint otherwise.
  const hint = appError.message.includes("npm run") ? "" : ` ${notReadyHint}`;
  return new AppError("not_ready", `Search is not ready: ${appError.message}.${hint}`, { cause: appError });
}

/** Searches with photo bytes through the queue, after checking the filters against the catalog. */
export async function searchByImage(
  runtime: SearchRuntime,
  bytes: Uint8Array,
  options: SearchOptions,
  signal?: AbortSignal,
): Promise<SearchOutcome> {
  const filters = resolveFilters(runtime.facets, options.filters);
  return runtime.queue.run(() => runtime.service.searchByImage(bytes, { ...options, filters }), signal);
}

/** Searches by words alone, after checking the filters against the catalog (no model run, so not queued). */
export async function searchByText(runtime: SearchRuntime, text: string, options: SearchOptions): Promise<SearchOutcome> {
  const filters = resolveFilters(runtime.facets, options.filters);
  return runtime.service.searchByText(text, { ...options, filters });
}

/**
 * Searches an uploaded photo as the results page does: reduced to the share URL's copy
 * (toSharedQueryImage), then searched with exactly those bytes, so POST /api/search and
 * the page opened from `shareHref` rank the same pixels (docs/decisions/0018-phone-first.md).
 */
export async function searchUpload(
  runtime: SearchRuntime,
  upload: Uint8Array,
  options: SearchOptions,
  signal?: AbortSignal,
): Promise<{ outcome: SearchOutcome; shareHref: string }> {
  const query = await runtime.queue.run(() => toQueryImage(upload, { maxPixels: runtime.config.MAX_IMAGE_PIXELS }), signal);
  const outcome = await searchByImage(runtime, query.bytes, options, signal);
  // buildShareHref keeps what a results link carries (text, k, crop, mode, filters, paging, feedback) and drops the rest.
  return { outcome, shareHref: buildShareHref({ ...options, query: query.bytes, filters: resolveFilters(runtime.facets, options.filters) }) };
}

/** Reduces an upload to the canonical query image of a share URL, through the queue. */
export async function toSharedQueryImage(runtime: SearchRuntime, bytes: Uint8Array): Promise<QueryImage> {
  return runtime.queue.run(() => toQueryImage(bytes, { maxPixels: runtime.config.MAX_IMAGE_PIXELS }));
}

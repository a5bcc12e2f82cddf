import "server-only";
import { CatalogCuration } from "../curation/catalog-curation";
import { selectItemFeatureOptions } from "../pipeline/item-features";
import { getSearchRuntime, type SearchRuntime } from "./search-runtime";

// On globalThis, beside the search runtime, so dev-mode reloads keep the analysis.
const processState = globalThis as typeof globalThis & { __catalogCuration?: { service: SearchRuntime["service"]; curation: CatalogCuration } };

/**
 * The process's catalog-quality engine over the search runtime (which refreshes the catalog
 * on every call, so other instances' changes are seen): created once per service, its
 * analysis kept until the catalog changes. The heavy parts (ONNX runs) go through onnxruntime's
 * own threads; nothing here runs per item per request.
 */
export async function getCatalogCuration(): Promise<{ runtime: SearchRuntime; curation: CatalogCuration }> {
  const runtime = await getSearchRuntime();
  const state = processState.__catalogCuration;
  if (state?.service === runtime.service) return { runtime, curation: state.curation };
  const curation = new CatalogCuration(runtime.service, selectItemFeatureOptions(runtime.config));
  processState.__catalogCuration = { service: runtime.service, curation };
  return { runtime, curation };
}

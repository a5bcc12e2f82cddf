import "server-only";
import sharp from "sharp";
import type { SearchMode } from "../colour/colour-fusion";
import { ExplainModel } from "../explain/explain-model";
import type { RegionRequest } from "../region/query-region";
import { explainSimilarity, type WhySimilar } from "../search/why-similar";
import type { SearchRuntime } from "./search-runtime";

// On globalThis like the search runtime: one explain session per process, loaded on the first
// "Why similar?" (the served search never waits for it); a failed load is not cached.
const processState = globalThis as typeof globalThis & { __explainModel?: { id: string; model: Promise<ExplainModel> } };

function getExplainModel(runtime: SearchRuntime): Promise<ExplainModel> {
  const { model } = runtime.service;
  if (processState.__explainModel?.id !== model.id) {
    const loading = ExplainModel.create(runtime.config.MODELS_DIR, model, { threads: runtime.config.ORT_THREADS }).catch((error: unknown) => {
      processState.__explainModel = undefined;
      throw error;
    });
    processState.__explainModel = { id: model.id, model: loading };
  }
  return processState.__explainModel.model;
}

/** A "why similar" explanation with each photo the model saw as a JPEG, through the inference queue. */
export type WhySimilarWithViews = Omit<WhySimilar, "query" | "item"> & {
  query: Omit<WhySimilar["query"], "view"> & { view: Uint8Array };
  item: Omit<WhySimilar["item"], "view"> & { view: Uint8Array };
};

/** Explains why `itemId` matched the query photo; each onnxruntime run goes through the queue like a search, so searches are not held up for the whole explanation. */
export async function explainByImage(
  runtime: SearchRuntime,
  bytes: Uint8Array,
  itemId: string,
  request: RegionRequest,
  mode: SearchMode,
  signal?: AbortSignal,
): Promise<WhySimilarWithViews> {
  const explainer = await getExplainModel(runtime);
  const schedule = <T>(task: () => Promise<T>) => runtime.queue.run(task, signal);
  const why = await explainSimilarity(runtime.service, explainer, bytes, itemId, request, mode, { maxPixels: runtime.config.MAX_IMAGE_PIXELS }, schedule);
  const [query, item] = await Promise.all([toJpeg(why.query.view), toJpeg(why.item.view)]);
  return { ...why, query: { ...why.query, view: query }, item: { ...why.item, view: item } };
}

async function toJpeg(view: WhySimilar["query"]["view"]): Promise<Uint8Array> {
  return new Uint8Array(await sharp(view.rgb, { raw: { width: view.width, height: view.height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
}

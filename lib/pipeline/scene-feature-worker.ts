// Worker-thread entry of loadSceneFeatures (lib/pipeline/scene-features.ts): composes each scene it
// is sent and, unless its descriptor is cached already, prepares it for the backbone.
import { serveJobs } from "../workers/worker-pool";
import { createJobComposer, type SceneJob } from "./scene-composites";
import { prepareScene, sceneKey, type SceneFeatureJobResult, type SceneFeatureWorkerData } from "./scene-features";

let compose: ReturnType<typeof createJobComposer> | undefined;
let cached: Set<string> | undefined;
serveJobs<SceneJob, SceneFeatureJobResult, SceneFeatureWorkerData>(async (job, data) => {
  compose ??= createJobComposer(data.pool);
  cached ??= new Set(data.cachedKeys);
  const bytes = await compose(job);
  if (!bytes) return { result: { key: null, pixels: null } };
  const key = sceneKey(bytes);
  if (cached.has(key)) return { result: { key, pixels: null } };
  const pixels = await prepareScene(bytes, data.preprocess, { maxPixels: job.maxPixels });
  return { result: { key, pixels }, transfer: [pixels.buffer as ArrayBuffer] };
});

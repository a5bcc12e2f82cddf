// Worker-thread entry of loadSceneFeatures (lib/pipeline/scene-features.ts): composes each scene it
// is sent and, unless its descriptor is cached already, prepares it for the backbone.
import { serveJobs } from "../workers/worker-pool";
import { composeOne, loadSceneBackgrounds, type SceneBackgrounds, type SceneJob } from "./scene-composites";
import { prepareScene, sceneKey, type SceneFeatureJobResult, type SceneFeatureWorkerData } from "./scene-features";

let scenes: Promise<SceneBackgrounds> | undefined;
let cached: Set<string> | undefined;
serveJobs<SceneJob, SceneFeatureJobResult, SceneFeatureWorkerData>(async (job, data) => {
  scenes ??= loadSceneBackgrounds(data.pool);
  cached ??= new Set(data.cachedKeys);
  const background = (await scenes).backgrounds.get(job.kind)![job.backgroundIndex]!;
  const bytes = await composeOne(job.imagePath, background, job.seed, job.maxPixels).catch((error: Error) => {
    throw new Error(`Scene composite ${job.i}: ${error.message}`);
  });
  if (!bytes) return { result: { key: null, pixels: null } };
  const key = sceneKey(bytes);
  if (cached.has(key)) return { result: { key, pixels: null } };
  const pixels = await prepareScene(bytes, data.preprocess, { maxPixels: job.maxPixels });
  return { result: { key, pixels }, transfer: [pixels.buffer as ArrayBuffer] };
});

// Worker-thread entry of composeProductScenes (lib/pipeline/scene-composites.ts): loads the
// pool's backgrounds once, then composes each job it is sent and posts the JPEG back.
import { serveJobs } from "../workers/worker-pool";
import { composeOne, loadSceneBackgrounds, type SceneBackgrounds, type SceneJob, type SceneJobResult, type SceneWorkerData } from "./scene-composites";

let scenes: Promise<SceneBackgrounds> | undefined;
serveJobs<SceneJob, SceneJobResult, SceneWorkerData>(async (job, data) => {
  scenes ??= loadSceneBackgrounds(data.pool);
  const background = (await scenes).backgrounds.get(job.kind)![job.backgroundIndex]!;
  const bytes = await composeOne(job.imagePath, background, job.seed, job.maxPixels).catch((error: Error) => {
    throw new Error(`Scene composite ${job.i}: ${error.message}`);
  });
  const copy = bytes && Uint8Array.from(bytes);
  return { result: { bytes: copy }, transfer: copy ? [copy.buffer] : [] };
});

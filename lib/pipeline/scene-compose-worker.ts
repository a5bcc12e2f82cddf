// Worker-thread entry of composeProductScenes (lib/pipeline/scene-composites.ts): loads the
// pool's backgrounds once, then composes each job it is sent and posts the JPEG back.
import type { ScenePool } from "../scene/scene-kinds";
import { serveJobs } from "../workers/worker-pool";
import { composeOne, loadSceneBackgrounds, type SceneBackgrounds } from "./scene-composites";

export type SceneWorkerData = { pool: ScenePool };
export type SceneJob = { i: number; imagePath: string; kind: string; backgroundIndex: number; seed: number; maxPixels: number };
/** The JPEG, or null: nothing to cut out. */
export type SceneJobResult = { bytes: Uint8Array | null };

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

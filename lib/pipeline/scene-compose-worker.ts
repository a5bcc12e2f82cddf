// Worker-thread entry of composeProductScenes (lib/pipeline/scene-composites.ts): loads the
// pool's backgrounds once, then composes each job it is sent and posts the JPEG back.
import { parentPort, workerData } from "node:worker_threads";
import type { ScenePool } from "../scene/scene-kinds";
import { composeOne, loadSceneBackgrounds } from "./scene-composites";

export type SceneWorkerData = { pool: ScenePool };
export type SceneJob = { i: number; imagePath: string; kind: string; backgroundIndex: number; seed: number; maxPixels: number };
export type SceneJobResult = { i: number; bytes: Uint8Array | null } | { i: number; error: string };

const port = parentPort;
if (port) {
  const scenes = loadSceneBackgrounds((workerData as SceneWorkerData).pool);
  port.on("message", async (job: SceneJob) => {
    try {
      const background = (await scenes).backgrounds.get(job.kind)![job.backgroundIndex]!;
      const bytes = await composeOne(job.imagePath, background, job.seed, job.maxPixels);
      const copy = bytes && Uint8Array.from(bytes);
      port.postMessage({ i: job.i, bytes: copy } satisfies SceneJobResult, copy ? [copy.buffer] : []);
    } catch (error) {
      port.postMessage({ i: job.i, error: error instanceof Error ? error.message : String(error) } satisfies SceneJobResult);
    }
  });
}

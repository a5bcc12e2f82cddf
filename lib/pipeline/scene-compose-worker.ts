// Worker-thread entry of composeProductScenes (lib/pipeline/scene-composites.ts): composes each
// job it is sent and posts the JPEG back.
import { serveJobs } from "../workers/worker-pool";
import { createJobComposer, type SceneJob, type SceneJobResult, type SceneWorkerData } from "./scene-composites";

let compose: ReturnType<typeof createJobComposer> | undefined;
serveJobs<SceneJob, SceneJobResult, SceneWorkerData>(async (job, data) => {
  compose ??= createJobComposer(data.pool);
  const bytes = await compose(job);
  const copy = bytes && Uint8Array.from(bytes);
  return { result: { bytes: copy }, transfer: copy ? [copy.buffer] : [] };
});

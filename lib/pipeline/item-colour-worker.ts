// Worker-thread entry of loadItemColours (lib/pipeline/item-colours.ts): describes each photo it is sent.
import { serveJobs } from "../workers/worker-pool";
import { describeCatalogPhoto, type ColourJob } from "./item-colours";

serveJobs<ColourJob, Float32Array | null, undefined>(async (job) => {
  const colour = await describeCatalogPhoto(job.imagePath, job.config, job.maxPixels);
  return { result: colour, transfer: colour ? [colour.buffer as ArrayBuffer] : [] };
});

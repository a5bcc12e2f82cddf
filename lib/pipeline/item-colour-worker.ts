// Worker-thread entry of loadItemColours (lib/pipeline/item-colours.ts): describes each photo it is sent.
import type { ColourDescriptorConfig } from "../colour/colour-descriptor";
import { serveJobs } from "../workers/worker-pool";
import { describeCatalogPhoto } from "./item-colours";

export type ColourJob = { imagePath: string; config: ColourDescriptorConfig; maxPixels: number };

serveJobs<ColourJob, Float32Array | null, undefined>(async (job) => {
  const colour = await describeCatalogPhoto(job.imagePath, job.config, job.maxPixels);
  return { result: colour, transfer: colour ? [colour.buffer as ArrayBuffer] : [] };
});

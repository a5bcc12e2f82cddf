/**
 * Writes the generated stand-in data set (tests/helpers/synthetic-dataset.ts) into a folder:
 * `npx tsx tests/helpers/make-synthetic-dataset.ts <dir>`. scripts/test.sh runs it when the
 * real data set is not beside the checkout.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { syntheticMarker } from "./dataset";
import { writeSyntheticDataset } from "./synthetic-dataset";

const dir = path.resolve(process.argv[2] ?? "tmp/synthetic-dataset");
if (await fs.stat(path.join(dir, syntheticMarker)).then(() => true, () => false)) {
  console.log(`synthetic data set: ${dir} already there`);
} else {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const started = performance.now();
  const { rows, images } = await writeSyntheticDataset(dir);
  console.log(`synthetic data set: ${rows} rows, ${images} photos → ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

import path from "node:path";
import { servedDirSync } from "./generations";

/**
 * Where a catalog's flat index for a given model lives: one index per model id, so
 * models never mix. Given a catalog directory it resolves the served generation
 * (CURRENT, else the legacy layout); given a generation directory (as returned by
 * readCatalog) it points inside it. Prefer the latter: it pairs the index with the
 * very items that were read, even if CURRENT moves in between.
 */
export function indexPathFor(catalogDir: string, modelId: string): string {
  return path.join(servedDirSync(catalogDir), `index-${modelId}.bin`);
}

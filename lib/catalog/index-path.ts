import path from "node:path";

/** Where a catalog's flat index for a given model lives: one index per model id, so models never mix. */
export function indexPathFor(catalogDir: string, modelId: string): string {
  return path.join(catalogDir, `index-${modelId}.bin`);
}

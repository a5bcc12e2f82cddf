import { promises as fs } from "node:fs";

/** The names in `dir`, or none when it cannot be read (missing, not a folder): for sweeps, where nothing there means nothing to do. */
export async function readDirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

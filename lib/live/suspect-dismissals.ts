import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { pathExists, readJson, writeJsonAtomic } from "../fs/atomic";
import { toStorageError } from "../vector-store/embedded/log-file";
import { withFileLock } from "../vector-store/embedded/log-lock";

/** One suspect the catalog owner looked at and kept: the label it had then, and when. */
export const dismissalSchema = z.object({ label: z.string(), at: z.string() });
export type Dismissal = z.infer<typeof dismissalSchema>;

const dismissalFileSchema = z.object({ version: z.literal(1), dismissed: z.record(z.string(), dismissalSchema) });

/**
 * Where dismissals live: beside the catalog's generations (`<catalogDir>/curation/`), so a
 * compaction or rebuild keeps them and every instance on the same CATALOG_DIR reads them.
 */
export function dismissalPaths(catalogDir: string): { file: string; lock: string } {
  const dir = path.join(catalogDir, "curation");
  return { file: path.join(dir, "dismissed-suspects.json"), lock: path.join(dir, "dismissed-suspects.lock") };
}

/** The dismissed suspects by id, as on disk now (none when nothing was dismissed yet). */
export async function readDismissals(catalogDir: string): Promise<Map<string, Dismissal>> {
  const { file } = dismissalPaths(catalogDir);
  // The file is only ever replaced (atomically), never removed: absent means nothing dismissed yet.
  if (!(await pathExists(file))) return new Map();
  return new Map(Object.entries((await readJson(file, dismissalFileSchema)).dismissed));
}

/**
 * Whether a dismissal still holds for an item: it was kept under the label it has now. A
 * product relabelled since is judged afresh.
 */
export function isDismissed(dismissals: ReadonlyMap<string, Dismissal>, id: string, label: string): boolean {
  return dismissals.get(id)?.label === label;
}

/**
 * Records that `id`, labelled `label`, is no suspect. Read-modify-write under a file lock
 * (so two instances never lose each other's dismissals), written atomically and fsynced:
 * durable when it returns; a crash leaves the previous file whole.
 */
export async function dismissSuspect(catalogDir: string, id: string, label: string, now = new Date()): Promise<Dismissal> {
  const dismissal = { label, at: now.toISOString() };
  await changeDismissals(catalogDir, (map) => {
    map.set(id, dismissal);
  });
  return dismissal;
}

/** Undoes a dismissal; returns whether there was one. */
export async function undismissSuspect(catalogDir: string, id: string): Promise<boolean> {
  let existed = false;
  await changeDismissals(catalogDir, (map) => {
    existed = map.delete(id);
    return existed;
  });
  return existed;
}

async function changeDismissals(catalogDir: string, change: (map: Map<string, Dismissal>) => boolean | void): Promise<void> {
  const { file, lock } = dismissalPaths(catalogDir);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await withFileLock(lock, async () => {
      const map = await readDismissals(catalogDir);
      if (change(map) === false) return;
      await writeJsonAtomic(file, { version: 1, dismissed: Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) });
    });
  } catch (error) {
    throw toStorageError(error, file, true);
  }
}

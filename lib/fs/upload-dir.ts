import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isProcessAlive } from "./process";
import { readDirOrEmpty } from "./read-dir";

/**
 * Uploads being imported are spooled to `<tmpdir>/vps-upload-<pid>-<random>/`. The pid in
 * the name tells a crash leftover (its process is gone) from the folder of another live
 * instance sharing the same tmpdir.
 */
export const UPLOAD_DIR_PREFIX = "vps-upload-";

/** A private (0700) temp folder for one upload; the caller removes it with removeUploadDir. */
export async function createUploadDir(root = os.tmpdir()): Promise<string> {
  return fs.mkdtemp(path.join(root, `${UPLOAD_DIR_PREFIX}${process.pid}-`));
}

/** Removes an upload folder and everything in it; never throws (it runs on error paths). */
export async function removeUploadDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true }).catch((error: unknown) => {
    console.warn("[upload] could not remove the temp folder", dir, error);
  });
}

/**
 * Removes upload folders left by processes that no longer run (kill -9, a crash, a
 * power cut), at start-up; those of live processes are kept. Returns the paths removed.
 */
export async function sweepUploadLeftovers(root = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readDirOrEmpty(root)) {
    const match = new RegExp(`^${UPLOAD_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    const dir = path.join(root, name);
    await removeUploadDir(dir);
    removed.push(dir);
  }
  if (removed.length > 0) console.warn(`[upload] removed ${removed.length} temp folder(s) left by a crashed process:`, removed.join(", "));
  return removed;
}

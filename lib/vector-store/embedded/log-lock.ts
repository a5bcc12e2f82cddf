import { promises as fs } from "node:fs";
import os from "node:os";
import { AppError } from "../../errors";
import { isProcessAlive } from "../../fs/process";
import { toStorageError } from "./log-file";

/** How long a writer waits for another process's lock before giving up. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** A lock file still empty after this long belongs to a writer that died between create and write. */
const EMPTY_LOCK_STALE_MS = 10_000;
/**
 * A lock held by a process on another host (a shared volume) cannot be checked by pid;
 * writes hold it for milliseconds, so one this old belongs to a writer that died.
 */
const FOREIGN_LOCK_STALE_MS = 60_000;

// Writers of one process queue here first, so the file lock only arbitrates between processes.
const localQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding `<lockFile>` (created with O_EXCL, holding the owner's pid
 * and host). A lock whose owner process is gone (kill -9) is taken over; a live owner
 * is waited for, up to `timeoutMs`, then the call fails with `overloaded`.
 */
export async function withFileLock<T>(lockFile: string, work: () => Promise<T>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const previous = localQueues.get(lockFile) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(async () => {
    await acquire(lockFile, timeoutMs);
    try {
      return await work();
    } finally {
      await fs.rm(lockFile, { force: true });
    }
  });
  localQueues.set(lockFile, run);
  try {
    return await run;
  } finally {
    if (localQueues.get(lockFile) === run) localQueues.delete(lockFile);
  }
}

async function acquire(lockFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  for (;;) {
    try {
      const handle = await fs.open(lockFile, "wx");
      try {
        await handle.writeFile(`${process.pid} ${os.hostname()}\n`);
      } catch (error) {
        // A full disk can refuse even these few bytes: leave no empty lock behind for others to wait on.
        await handle.close().catch(() => undefined);
        await fs.rm(lockFile, { force: true });
        throw toStorageError(error, lockFile, true);
      }
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw toStorageError(error, lockFile, true);
    }
    if (await isStale(lockFile)) {
      // Two processes may both see a stale lock; the rm + O_EXCL create lets only one of them in
      // unless the second removes the first one's fresh lock in between (a narrow race, documented).
      await fs.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new AppError("overloaded", `The catalog is locked by another writer (${lockFile}); try again later`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 200);
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([fs.readFile(lockFile, "utf8"), fs.stat(lockFile)]);
  } catch {
    return false; // Gone already: the next create attempt decides.
  }
  const [pidText, host] = text.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return Date.now() - mtimeMs > EMPTY_LOCK_STALE_MS;
  if (host !== undefined && host !== os.hostname()) return Date.now() - mtimeMs > FOREIGN_LOCK_STALE_MS;
  return !isProcessAlive(pid);
}


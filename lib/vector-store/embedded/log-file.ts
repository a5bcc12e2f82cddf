import { promises as fs } from "node:fs";
import { AppError } from "../../errors";
import { syncDir } from "../../fs/atomic";

/** An open change-log file: the few handle operations the writer needs. */
export type LogFile = {
  size(): Promise<number>;
  /** Reads up to `buffer.length` bytes at `position`; returns how many were read. */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Writes at `position`; returns how many bytes were written (possibly fewer than asked). */
  write(data: Uint8Array, position: number): Promise<number>;
  truncate(length: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
};

/**
 * The file operations of the change-log writer, as one small interface: production
 * uses `nodeLogFileSystem`; a caller that wants to see a full disk or a failing
 * device (a test) passes its own.
 */
export type LogFileSystem = {
  /** Opens a log for writing, creating it when missing (`created` says so). */
  open(file: string): Promise<{ handle: LogFile; created: boolean }>;
  /** fsyncs a directory, so a newly created log's entry survives a crash. */
  syncDir(dir: string): Promise<void>;
};

/** The real file system (node:fs). */
export const nodeLogFileSystem: LogFileSystem = {
  async open(file) {
    let handle: fs.FileHandle;
    let created = false;
    try {
      handle = await fs.open(file, "r+");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      handle = await fs.open(file, "wx");
      created = true;
    }
    return {
      created,
      handle: {
        size: async () => (await handle.stat()).size,
        read: async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
        write: async (data, position) => (await handle.write(data, 0, data.length, position)).bytesWritten,
        truncate: (length) => handle.truncate(length),
        sync: () => handle.sync(),
        close: () => handle.close(),
      },
    };
  },
  syncDir,
};

/** Error codes that mean "no space left" (a full disk, a quota, a file-size limit). */
const NO_SPACE = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/** A write that stored fewer bytes than asked and then made no progress: the disk filled up under it. */
export class ShortWriteError extends Error {
  readonly code = "ENOSPC";
  constructor(written: number, wanted: number) {
    super(`short write: ${written} of ${wanted} bytes stored`);
    this.name = "ShortWriteError";
  }
}

/**
 * The AppError a failed catalog write answers with: `insufficient_storage` (507) when
 * the disk is full, `storage_unavailable` (503) for any other I/O error. The message
 * says the change was not saved; the cause keeps the system error for the log.
 */
export function toStorageError(error: unknown, file: string, rolledBack: boolean): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code ?? "EIO";
  const state = rolledBack ? "nothing of it was kept" : `${file} could not be cut back to its last good record yet (the next write does it)`;
  if (NO_SPACE.has(code)) {
    return new AppError("insufficient_storage", `The disk holding the catalog is full (${code}): the change was not saved; ${state}. Free space and retry; no restart is needed.`, { cause: error });
  }
  return new AppError("storage_unavailable", `The catalog could not be written (${code}): the change was not saved; ${state}. Check the disk and retry.`, { cause: error });
}

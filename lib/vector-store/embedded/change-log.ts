import { promises as fs } from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import { z } from "zod";
import { catalogItemSchema } from "../../catalog/types";
import { AppError } from "../../errors";
import { nodeLogFileSystem, ShortWriteError, toStorageError, type LogFile, type LogFileSystem } from "./log-file";

/*
 * The change log of one catalog generation: `<generationDir>/changes.log`, append-only,
 * one record per line:
 *
 *   <crc32 of the JSON, 8 hex digits> <JSON record>\n
 *
 * Each append is written in full and fsynced before the writer reports success; a
 * failed one is cut back off. Replay tells two kinds of bad bytes apart:
 * - a torn tail: bytes after the last newline (a writer killed mid-append). Never
 *   acknowledged; readers ignore it and the next writer cuts it off under the lock.
 * - corruption: a complete line (it ends in a newline) that fails its checksum,
 *   format or schema. It may hide acknowledged records after it, so it is reported,
 *   never cut off: the store serves what came before it read-only until
 *   `npm run catalog:repair` (./repair-log.ts).
 */

export const changeLogFiles = { log: "changes.log", lock: "changes.lock" } as const;

const entrySchema = z.object({ item: catalogItemSchema, vector: z.string().min(1) });

export const changeRecordSchema = z.discriminatedUnion("op", [
  /** Adds or replaces products (vectors as base64 little-endian float32). */
  z.object({ op: z.literal("upsert"), at: z.string(), entries: z.array(entrySchema).min(1) }),
  /** Replaces one product's record; its vector stays. */
  z.object({ op: z.literal("update"), at: z.string(), item: catalogItemSchema }),
  z.object({ op: z.literal("remove"), at: z.string(), ids: z.array(z.string().min(1)).min(1) }),
  /** Written by compaction: this generation is folded into `next`; writers must move there. */
  z.object({ op: z.literal("sealed"), at: z.string(), next: z.string().min(1) }),
]);
export type ChangeRecord = z.infer<typeof changeRecordSchema>;

/** Where a log is corrupt: the first complete line that is not a valid record. */
export type LogCorruption = {
  file: string;
  /** Byte offset of the bad line. */
  offset: number;
  /** Its number in the log, counting from 1. */
  record: number;
  /** What is wrong with it (checksum, format, JSON, schema). */
  reason: string;
  /** Bytes from the bad line to the end of the file: what replay cannot see. */
  bytesAfter: number;
};

export type LogRead = {
  records: ChangeRecord[];
  /** Byte offset just past the last valid record. */
  end: number;
  /** Bytes after `end` that do not form a valid record (a torn tail, a record still being written, or corruption). */
  trailing: number;
  /** Set when the bytes after `end` start with a complete bad line rather than a torn tail. */
  corruption?: LogCorruption;
};

/** Path of a generation's change log and of its writer lock. */
export function changeLogPaths(generationDir: string): { log: string; lock: string } {
  return {
    log: path.join(/* turbopackIgnore: true */ generationDir, changeLogFiles.log),
    lock: path.join(/* turbopackIgnore: true */ generationDir, changeLogFiles.lock),
  };
}

/** Encodes a float32 vector for the log, bit-exact. */
export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
}

/** Decodes a vector written by encodeVector; a wrong length is an `internal` error. */
export function decodeVector(text: string, dim: number): Float32Array {
  const bytes = Buffer.from(text, "base64");
  if (bytes.byteLength !== dim * 4) throw new AppError("internal", `A logged vector has ${bytes.byteLength / 4} floats, expected ${dim}`);
  const out = new Float32Array(dim);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** One log line for a record. */
export function encodeRecord(record: ChangeRecord): string {
  const json = JSON.stringify(changeRecordSchema.parse(record));
  return `${crc32(json).toString(16).padStart(8, "0")} ${json}\n`;
}

/**
 * Reads the valid records from byte `offset` on (`firstRecord` is the number of the
 * record found there, for reports); stops at a torn tail or at the first corrupt
 * line. A missing log reads as empty.
 */
export async function readChangeLog(file: string, offset = 0, firstRecord = 1): Promise<LogRead> {
  let bytes: Buffer;
  try {
    const handle = await fs.open(file, "r");
    try {
      const { size } = await handle.stat();
      bytes = Buffer.alloc(Math.max(0, size - offset));
      if (bytes.length > 0) await handle.read(bytes, 0, bytes.length, offset);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { records: [], end: offset, trailing: 0 };
    throw error;
  }
  const records: ChangeRecord[] = [];
  let pos = 0;
  let corruption: LogCorruption | undefined;
  for (;;) {
    const newline = bytes.indexOf(0x0a, pos);
    if (newline < 0) break;
    const decoded = decodeLine(bytes.toString("utf8", pos, newline));
    if (typeof decoded === "string") {
      corruption = { file, offset: offset + pos, record: firstRecord + records.length, reason: decoded, bytesAfter: bytes.length - pos };
      break;
    }
    records.push(decoded);
    pos = newline + 1;
  }
  return { records, end: offset + pos, trailing: bytes.length - pos, ...(corruption ? { corruption } : {}) };
}

/** One line (without its newline) as a record, or why it is not one. */
export function decodeLine(line: string): ChangeRecord | string {
  const match = /^([0-9a-f]{8}) (.*)$/s.exec(line);
  if (!match) return "not a `<crc32> <json>` line";
  const [, sum, json] = match as unknown as [string, string, string];
  if (crc32(json) !== Number.parseInt(sum, 16)) return "checksum mismatch";
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return "invalid JSON";
  }
  const parsed = changeRecordSchema.safeParse(raw);
  return parsed.success ? parsed.data : `not a change record (${parsed.error.issues[0]?.message ?? "schema"})`;
}

/**
 * Appends records at `validEnd` (the end of the last valid record, as read by the
 * caller under the lock), cutting off a torn tail first, then fsyncs (and the
 * directory, when this creates the log). All or nothing: every byte count is
 * checked, and on any failure the file is cut back to `validEnd` and the error is
 * an AppError (`insufficient_storage` for a full disk, see toStorageError). Refuses
 * to cut off bytes that hold a complete line (corruption, not a torn tail). The
 * caller must hold the log's lock. Returns the new end offset.
 */
export async function appendChangeLog(
  file: string,
  validEnd: number,
  records: readonly ChangeRecord[],
  io: LogFileSystem = nodeLogFileSystem,
): Promise<number> {
  const data = Buffer.from(records.map(encodeRecord).join(""), "utf8");
  let opened: { handle: LogFile; created: boolean };
  try {
    opened = await io.open(file);
  } catch (error) {
    throw toStorageError(error, file, true);
  }
  const { handle, created } = opened;
  try {
    await cutTornTail(handle, file, validEnd).catch((error: unknown) => {
      throw toStorageError(error, file, true);
    });
    try {
      await writeFully(handle, data, validEnd);
      await handle.sync();
      if (created) await io.syncDir(path.dirname(file));
    } catch (error) {
      throw toStorageError(error, file, await rollBack(handle, file, validEnd));
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
  return validEnd + data.length;
}

async function cutTornTail(handle: LogFile, file: string, validEnd: number): Promise<void> {
  const size = await handle.size();
  if (size < validEnd) throw new AppError("storage_unavailable", `The change log ${file} shrank below ${validEnd} bytes (cut by something else); refusing to write`);
  if (size === validEnd) return;
  const tail = new Uint8Array(size - validEnd);
  await handle.read(tail, validEnd);
  if (tail.includes(0x0a)) {
    throw new AppError("storage_unavailable", `The change log ${file} holds ${tail.length} bytes after byte ${validEnd} that are not a torn write; refusing to cut them off: run \`npm run catalog:repair\``);
  }
  await handle.truncate(validEnd);
}

/** write(2) may store fewer bytes than asked (a disk filling up): go on until all are written or it fails. */
async function writeFully(handle: LogFile, data: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const n = await handle.write(data.subarray(written), position + written);
    if (!(n > 0)) throw new ShortWriteError(written, data.length);
    written += n;
  }
}

/** Cuts a failed append back off; true when the file is back to `validEnd` on disk. */
async function rollBack(handle: LogFile, file: string, validEnd: number): Promise<boolean> {
  try {
    await handle.truncate(validEnd);
    await handle.sync();
    return true;
  } catch (error) {
    console.error(`[catalog] could not cut ${file} back to ${validEnd} bytes after a failed write:`, error);
    return false;
  }
}

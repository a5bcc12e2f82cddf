import { promises as fs } from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import { z } from "zod";
import { catalogItemSchema } from "../../catalog/types";
import { AppError } from "../../errors";
import { syncDir } from "../../fs/atomic";

/*
 * The change log of one catalog generation: `<generationDir>/changes.log`, append-only,
 * one record per line:
 *
 *   <crc32 of the JSON, 8 hex digits> <JSON record>\n
 *
 * Each append is fsynced before the writer reports success. A record is valid only
 * when its line is complete and its checksum matches; replay stops at the first
 * invalid one (the torn tail of a writer killed mid-append), which the next writer
 * truncates away while holding the lock.
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

export type LogRead = {
  records: ChangeRecord[];
  /** Byte offset just past the last valid record. */
  end: number;
  /** Bytes after `end` that do not form a valid record (a torn tail, or a record still being written). */
  trailing: number;
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

/** Reads the valid records from byte `offset` on; a missing log reads as empty. */
export async function readChangeLog(file: string, offset = 0): Promise<LogRead> {
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
  for (;;) {
    const newline = bytes.indexOf(0x0a, pos);
    if (newline < 0) break;
    const record = decodeLine(bytes.toString("utf8", pos, newline));
    if (!record) break;
    records.push(record);
    pos = newline + 1;
  }
  return { records, end: offset + pos, trailing: bytes.length - pos };
}

function decodeLine(line: string): ChangeRecord | undefined {
  const match = /^([0-9a-f]{8}) (.*)$/s.exec(line);
  if (!match) return undefined;
  const [, sum, json] = match as unknown as [string, string, string];
  if (crc32(json) !== Number.parseInt(sum, 16)) return undefined;
  try {
    const parsed = changeRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Appends records at `validEnd` (the end of the last valid record, as read by the
 * caller under the lock), cutting off any torn tail first, and fsyncs. The caller
 * must hold the log's lock. Returns the new end offset.
 */
export async function appendChangeLog(file: string, validEnd: number, records: readonly ChangeRecord[]): Promise<number> {
  const data = Buffer.from(records.map(encodeRecord).join(""), "utf8");
  const created = !(await fs.stat(file).catch(() => undefined));
  const handle = await fs.open(file, created ? "wx" : "r+");
  try {
    const { size } = await handle.stat();
    if (size < validEnd) throw new AppError("internal", `The change log ${file} shrank below ${validEnd} bytes`);
    if (size > validEnd) await handle.truncate(validEnd);
    await handle.write(data, 0, data.length, validEnd);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) await syncDir(path.dirname(file));
  return validEnd + data.length;
}

import { promises as fs } from "node:fs";
import path from "node:path";
import { catalogGenerationDir } from "../../catalog/store";
import { AppError } from "../../errors";
import { writeFileAtomic } from "../../fs/atomic";
import { changeLogPaths, decodeLine } from "./change-log";
import { withFileLock } from "./log-lock";

/** A record the repair left out. */
export type DroppedRecord = {
  /** Its number in the original log (from 1) and its byte offset there. */
  record: number;
  offset: number;
  bytes: number;
  reason: string;
};

export type RepairReport = {
  file: string;
  /** Records kept, in their original order and bytes. */
  kept: number;
  dropped: DroppedRecord[];
  /** Bytes of an unfinished last record (a torn write, never acknowledged) left out. */
  tornTailBytes: number;
  /** Where the original log was copied before it was replaced; null when nothing needed repair. */
  quarantined: string | null;
};

/**
 * Repairs the served generation's change log under its writer lock: keeps every
 * complete record that passes its checksum and schema, before and after any bad
 * one, byte for byte and in order; leaves out the bad records and a torn tail;
 * keeps a copy of the original beside it (`changes.log.corrupt-<time>`), then
 * publishes the repaired log atomically (temp file, fsync, rename). Servers on the
 * catalog load the repaired log on their next request. A sound log is left as is.
 */
export async function repairChangeLog(catalogDir: string): Promise<RepairReport> {
  const generationDir = await catalogGenerationDir(catalogDir);
  if (!generationDir) throw new AppError("not_found", `No catalog in ${catalogDir}`);
  const { log, lock } = changeLogPaths(generationDir);
  return withFileLock(lock, async () => {
    const bytes = await fs.readFile(log).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return Buffer.alloc(0);
      throw error;
    });
    const keep: Buffer[] = [];
    const dropped: DroppedRecord[] = [];
    let pos = 0;
    for (let record = 1; ; record++) {
      const newline = bytes.indexOf(0x0a, pos);
      if (newline < 0) break;
      const decoded = decodeLine(bytes.toString("utf8", pos, newline));
      if (typeof decoded === "string") dropped.push({ record, offset: pos, bytes: newline + 1 - pos, reason: decoded });
      else keep.push(bytes.subarray(pos, newline + 1));
      pos = newline + 1;
    }
    const report: RepairReport = { file: log, kept: keep.length, dropped, tornTailBytes: bytes.length - pos, quarantined: null };
    if (dropped.length === 0 && report.tornTailBytes === 0) return report;
    const quarantined = path.join(generationDir, `${path.basename(log)}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    await writeFileAtomic(quarantined, bytes);
    await writeFileAtomic(log, Buffer.concat(keep));
    return { ...report, quarantined };
  });
}

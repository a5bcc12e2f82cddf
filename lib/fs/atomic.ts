import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { AppError } from "../errors";

/**
 * A hidden temp path beside `target`, unique to this write: two writes of one target at once (the
 * same photo added by two requests in the same millisecond) must not share a temp file.
 */
export function tempPathBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Writes a file so that readers see either the old or the new content, never
 * a torn one, even after a crash or kill -9: write a temp file, fsync it,
 * rename it over the target, then fsync the directory so the rename persists.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const tmp = tempPathBeside(target);
  const handle = await fs.open(tmp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, target);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

/** fsyncs a directory (best effort: some file systems refuse it). */
export async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch {
    // Directory fsync is not supported everywhere; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes JSON atomically, pretty-printed for humans who inspect data/. */
export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file and validates it; a missing or invalid file is an AppError. */
export async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    throw new AppError("not_ready", `Missing file ${file}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError("internal", `Corrupt JSON in ${file}`, { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("internal", `Unexpected content in ${file}: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** True when the path exists. */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

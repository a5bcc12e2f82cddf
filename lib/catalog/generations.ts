import { randomBytes } from "node:crypto";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import { syncDir, writeFileAtomic } from "../fs/atomic";
import { isProcessAlive } from "../fs/process";
import { readDirOrEmpty } from "../fs/read-dir";

/**
 * Versioned catalog generations. `<catalogDir>/CURRENT` names the served generation,
 * `<catalogDir>/generations/<id>/` holds its files. A writer fills a fresh generation
 * and then replaces CURRENT atomically, so a crash at any point leaves the previously
 * served generation untouched. A directory without CURRENT is read as the legacy
 * layout (the generation's files at the top of the directory).
 */
export const generationFiles = { current: "CURRENT", generations: "generations" } as const;

// Ids sort by creation time; the pid lets pruning spare a generation a live process is still writing.
const generationIdPattern = /^g-(\d{14})-(\d{1,10})-([0-9a-f]{8})$/;

/** A new generation id: `g-<ms since epoch, 14 digits>-<pid>-<random>`. */
export function newGenerationId(now = Date.now()): string {
  return `g-${String(now).padStart(14, "0")}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** The directory of generation `id` inside a catalog directory. */
export function generationDirOf(catalogDir: string, id: string): string {
  return path.join(/* turbopackIgnore: true */ catalogDir, generationFiles.generations, id);
}

function parseCurrent(catalogDir: string, text: string): string {
  const id = text.trim();
  // CURRENT is joined into a path: anything but a well-formed id (say `../x`) is refused.
  if (!generationIdPattern.test(id)) {
    throw new AppError("internal", `Catalog ${catalogDir}: ${generationFiles.current} names no valid generation`);
  }
  return id;
}

/** The served generation's id, or null for a legacy or empty directory. */
export async function readCurrentGeneration(catalogDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(/* turbopackIgnore: true */ catalogDir, generationFiles.current), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return parseCurrent(catalogDir, text);
}

/**
 * Synchronous form of the served directory: the current generation's directory, or
 * `catalogDir` itself for the legacy layout (and for a generation directory, which
 * has no CURRENT of its own).
 */
export function servedDirSync(catalogDir: string): string {
  const file = path.join(/* turbopackIgnore: true */ catalogDir, generationFiles.current);
  if (!existsSync(file)) return catalogDir;
  return generationDirOf(catalogDir, parseCurrent(catalogDir, readFileSync(file, "utf8")));
}

/** Creates an empty generation directory to fill; returns its id and path. */
export async function createGeneration(catalogDir: string): Promise<{ id: string; dir: string }> {
  const id = newGenerationId();
  const dir = generationDirOf(catalogDir, id);
  await fs.mkdir(dir, { recursive: true });
  return { id, dir };
}

/** Makes generation `id` the served one: CURRENT is replaced atomically (tmp + fsync + rename + fsync dir). */
export async function flipCurrent(catalogDir: string, id: string): Promise<void> {
  if (!generationIdPattern.test(id)) throw new AppError("internal", `Not a generation id: ${id}`);
  // The generation's own files were fsynced one by one; its directory entry must be durable before CURRENT names it.
  await syncDir(generationDirOf(catalogDir, id));
  await syncDir(path.join(/* turbopackIgnore: true */ catalogDir, generationFiles.generations));
  await writeFileAtomic(path.join(/* turbopackIgnore: true */ catalogDir, generationFiles.current), `${id}\n`);
}

/**
 * Removes every generation but those in `keep`, except one still being written (a
 * directory without a manifest whose pid is alive, this process included: a failed
 * publish removes its own). Returns the ids removed.
 */
export async function pruneGenerations(catalogDir: string, keep: ReadonlySet<string>, manifestFile: string): Promise<string[]> {
  const root = path.join(/* turbopackIgnore: true */ catalogDir, generationFiles.generations);
  const removed: string[] = [];
  for (const name of await readDirOrEmpty(root)) {
    const match = generationIdPattern.exec(name);
    if (!match || keep.has(name)) continue;
    const dir = path.join(root, name);
    const complete = existsSync(path.join(dir, manifestFile));
    const pid = Number(match[2]);
    if (!complete && isProcessAlive(pid)) continue;
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(name);
  }
  if (removed.length > 0) await syncDir(root);
  return removed;
}

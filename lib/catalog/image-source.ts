import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import yauzl from "yauzl";
import { AppError } from "../errors";
import { createInflateBudget, defaultArchiveLimits, type ArchiveLimits } from "./archive-limits";

/** File extensions read as images (case-insensitive); everything else is skipped and reported. */
export const imageExtensions = ["jpg", "jpeg", "png", "webp", "gif"] as const;

/** One image read from a source: `id` is the file name without its extension. */
export type ImageEntry = {
  /** Basename, e.g. `1163.jpg`. */
  name: string;
  /** Basename without extension, e.g. `1163`. */
  id: string;
  /** Path inside the source (relative, `/`-separated). */
  path: string;
  bytes: Buffer;
};

export type ImageSourceIssueKind = "unsafe_path" | "skipped_entry" | "too_large" | "unreadable_entry";

/** An entry of the source that was not yielded, and why. */
export type ImageSourceIssue = { kind: ImageSourceIssueKind; path: string; message: string };

export type ReadImageEntriesOptions = {
  /** Called for every entry that is not yielded (unsafe path, not an image, too large...). */
  onIssue?: (issue: ImageSourceIssue) => void;
  /** Bounds on entries and inflation (defaults: defaultArchiveLimits); a directory obeys maxEntryBytes only. */
  limits?: Partial<ArchiveLimits>;
};

type SourceKind = "dir" | "tar" | "zip";

/**
 * Streams the images of a directory (recursive), a .tar (.tar.gz/.tgz) or a .zip, one
 * entry at a time and in source order, without extracting anything to disk. Entries whose
 * path escapes the source, links, hidden files and non-images are reported, never read.
 * Memory stays bounded by one entry whatever the archive's size: an archive that inflates
 * past the limits (a decompression bomb) is refused with `payload_too_large` while it is
 * read, after at most RATIO_FLOOR_BYTES or `maxRatio` times its read bytes.
 */
export async function* readImageEntries(
  source: string,
  options: ReadImageEntriesOptions = {},
): AsyncGenerator<ImageEntry> {
  const kind = await detectSourceKind(source);
  const settings = {
    onIssue: options.onIssue ?? (() => {}),
    limits: { ...defaultArchiveLimits, ...options.limits },
  };
  if (kind === "dir") yield* readDirectory(source, settings);
  else if (kind === "tar") yield* readTar(source, settings);
  else yield* readZip(source, settings);
}

type Settings = { onIssue: (issue: ImageSourceIssue) => void; limits: ArchiveLimits };

async function detectSourceKind(source: string): Promise<SourceKind> {
  let stat;
  try {
    stat = await fs.stat(source);
  } catch (error) {
    throw new AppError("not_found", `Image source not found: ${source}`, { cause: error });
  }
  if (stat.isDirectory()) return "dir";
  const lower = source.toLowerCase();
  if (lower.endsWith(".tar") || lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) return "tar";
  if (lower.endsWith(".zip")) return "zip";
  throw new AppError("bad_request", `Unsupported image source ${source}: expected a directory, .tar, .tar.gz, .tgz or .zip`);
}

/**
 * Decides what to do with an entry by its path alone: undefined when it should be read,
 * otherwise the issue to report. Paths are checked as written, before any normalisation
 * could hide a `..`.
 */
function checkEntryPath(entryPath: string): Omit<ImageSourceIssue, "path"> | undefined {
  const segments = entryPath.split(/[\\/]+/);
  if (/^([a-zA-Z]:|[\\/])/.test(entryPath) || segments.includes("..")) {
    return { kind: "unsafe_path", message: "path escapes the source (absolute or `..`); not read" };
  }
  const name = segments.at(-1) ?? "";
  if (segments.includes("__MACOSX") || name.startsWith(".")) {
    return { kind: "skipped_entry", message: "hidden or metadata file" };
  }
  if (!isImageName(name)) return { kind: "skipped_entry", message: "not an image file extension" };
  return undefined;
}

function isImageName(name: string): boolean {
  const ext = path.extname(name).slice(1).toLowerCase();
  return (imageExtensions as readonly string[]).includes(ext) && name.length > ext.length + 1;
}

function toEntry(entryPath: string, bytes: Buffer): ImageEntry {
  const name = entryPath.split(/[\\/]+/).at(-1) ?? entryPath;
  return { name, id: name.slice(0, name.length - path.extname(name).length), path: entryPath, bytes };
}

async function* readDirectory(root: string, settings: Settings): AsyncGenerator<ImageEntry> {
  // Sorted names make the order independent of the file system.
  const pending: string[] = [""];
  while (pending.length > 0) {
    const relDir = pending.shift() ?? "";
    const dirents = await fs.readdir(path.join(root, relDir), { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const dirent of dirents) {
      const rel = relDir === "" ? dirent.name : `${relDir}/${dirent.name}`;
      if (dirent.isDirectory()) {
        if (dirent.name === "__MACOSX" || dirent.name.startsWith(".")) {
          settings.onIssue({ path: rel, kind: "skipped_entry", message: "hidden or metadata directory" });
        } else subdirs.push(rel);
        continue;
      }
      if (!dirent.isFile()) {
        // A link could point anywhere on the machine.
        settings.onIssue({ path: rel, kind: "skipped_entry", message: "not a regular file (link, device...)" });
        continue;
      }
      const problem = checkEntryPath(rel);
      if (problem) {
        settings.onIssue({ path: rel, ...problem });
        continue;
      }
      const file = path.join(root, rel);
      const { size } = await fs.stat(file);
      if (size > settings.limits.maxEntryBytes) {
        settings.onIssue({ path: rel, kind: "too_large", message: `${size} bytes > ${settings.limits.maxEntryBytes}` });
        continue;
      }
      yield toEntry(rel, await fs.readFile(file));
    }
    pending.unshift(...subdirs);
  }
}

const gzipMagic = [0x1f, 0x8b];
const zstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

async function readHead(file: string, length: number): Promise<Buffer> {
  const handle = await fs.open(file, "r");
  try {
    const head = Buffer.alloc(length);
    const { bytesRead } = await handle.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Inflates a .tar.gz with zlib's stream (not tar's own synchronous inflater, which turns
 * one compressed chunk into any number of entries at once) and feeds the parser one
 * small chunk at a time, counting every inflated byte against the budget.
 */
async function* readTar(file: string, settings: Settings): AsyncGenerator<ImageEntry> {
  const gzipped = startsWith(await readHead(file, 2), gzipMagic);
  // Small reads keep what one compressed chunk can inflate to small (1:1000 at worst).
  const raw = createReadStream(file, { highWaterMark: 16 * 1024 });
  let tarBytes: Readable = raw;
  if (gzipped) {
    const gunzip = createGunzip();
    raw.once("error", (error) => gunzip.destroy(error));
    tarBytes = raw.pipe(gunzip);
  }
  const budget = createInflateBudget(file, settings.limits, () => raw.bytesRead);
  const ready: ImageEntry[] = [];
  let failure: unknown;
  const parser = new Parser({
    onwarn: (code, message) => {
      // A damaged or non-tar file is fatal; a single bad header is skipped and reported.
      if (code === "TAR_BAD_ARCHIVE") failure ??= new Error(message);
      else settings.onIssue({ path: file, kind: "unreadable_entry", message: `${code}: ${message}` });
    },
  });
  parser.on("entry", (entry: ReadEntry) => {
    try {
      budget.countEntries(1);
      collectTarEntry(entry, settings, ready);
    } catch (error) {
      failure ??= error;
      entry.resume();
    }
  });
  const finished = new Promise<void>((resolve) => {
    parser.on("end", () => resolve());
    parser.on("error", (error: unknown) => {
      failure ??= error;
      resolve();
    });
    parser.on("abort", (error: unknown) => {
      failure ??= error;
      resolve();
    });
  });
  // Writing chunk by chunk and yielding between chunks is the backpressure: nothing is
  // read while the consumer is busy, and at most one chunk's entries wait in memory.
  let sniffed = false;
  try {
    for await (const chunk of tarBytes) {
      const bytes = chunk as Buffer;
      if (!sniffed) {
        sniffed = true;
        // tar would inflate a nested .gz or .zst itself, synchronously and unbounded.
        if (startsWith(bytes, gzipMagic) || startsWith(bytes, zstdMagic)) {
          throw new AppError("bad_request", `Cannot read tar archive ${file}: compressed twice, or zstd-compressed (send a .tar or .tar.gz)`);
        }
      }
      budget.countBytes(bytes.byteLength);
      parser.write(bytes);
      if (failure !== undefined) throw toArchiveError(file, failure);
      while (ready.length > 0) yield ready.shift() as ImageEntry;
    }
    parser.end();
    await finished;
    if (failure !== undefined) throw toArchiveError(file, failure);
    while (ready.length > 0) yield ready.shift() as ImageEntry;
  } catch (error) {
    throw error instanceof AppError ? error : toArchiveError(file, error);
  } finally {
    tarBytes.destroy();
    raw.destroy();
  }
}

function collectTarEntry(entry: ReadEntry, settings: Settings, ready: ImageEntry[]): void {
  const entryPath = entry.path;
  if (entry.type === "Directory") {
    entry.resume();
    return;
  }
  const problem =
    entry.type === "File" || entry.type === "OldFile" || entry.type === "ContiguousFile"
      ? checkEntryPath(entryPath)
      : { kind: "skipped_entry" as const, message: `not a regular file (${entry.type})` };
  if (problem) {
    settings.onIssue({ path: entryPath, ...problem });
    entry.resume();
    return;
  }
  const { maxEntryBytes } = settings.limits;
  if (entry.size > maxEntryBytes) {
    settings.onIssue({ path: entryPath, kind: "too_large", message: `${entry.size} bytes > ${maxEntryBytes}` });
    entry.resume();
    return;
  }
  const chunks: Buffer[] = [];
  entry.on("data", (chunk: Buffer) => chunks.push(chunk));
  entry.on("end", () => ready.push(toEntry(entryPath, Buffer.concat(chunks))));
}

function toArchiveError(file: string, cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError("bad_request", `Cannot read tar archive ${file}: ${reason}`, { cause });
}

async function* readZip(file: string, settings: Settings): AsyncGenerator<ImageEntry> {
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: yauzl would otherwise abort the whole archive on one unsafe
    // name; decoding ourselves lets us report that entry and go on.
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (error) {
    throw new AppError("bad_request", `Cannot read zip archive ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // A zip declares every entry's inflated size (yauzl checks it while inflating), so a
    // bomb is refused from its directory entry, before that entry is inflated.
    const { size } = await fs.stat(file);
    const budget = createInflateBudget(file, settings.limits, () => size);
    budget.countEntries(zip.entryCount);
    for await (const entry of zip.eachEntry()) {
      budget.countBytes(entry.uncompressedSize);
      const entryPath = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      if (entryPath.endsWith("/")) continue;
      const isLink = ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
      const problem = isLink
        ? { kind: "skipped_entry" as const, message: "not a regular file (symbolic link)" }
        : checkEntryPath(entryPath);
      if (problem) {
        settings.onIssue({ path: entryPath, ...problem });
        continue;
      }
      if (entry.uncompressedSize > settings.limits.maxEntryBytes) {
        const message = `${entry.uncompressedSize} bytes > ${settings.limits.maxEntryBytes}`;
        settings.onIssue({ path: entryPath, kind: "too_large", message });
        continue;
      }
      if (entry.isEncrypted() || !entry.canDecodeFileData()) {
        settings.onIssue({ path: entryPath, kind: "unreadable_entry", message: "encrypted or unsupported compression" });
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await readStream(await zip.openReadStreamPromise(entry));
      } catch (error) {
        settings.onIssue({ path: entryPath, kind: "unreadable_entry", message: (error as Error).message });
        continue;
      }
      yield toEntry(entryPath, bytes);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("bad_request", `Cannot read zip archive ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    zip.close();
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

import { promises as fs } from "node:fs";
import path from "node:path";
import { defaultArchiveLimits, type ArchiveLimits } from "../catalog/archive-limits";
import { readImageEntries, type ImageSourceIssue } from "../catalog/image-source";
import { AppError } from "../errors";
import type { ImportImage } from "./import-catalog";

/** A .zip/.tar(.gz) archive name (uploaded archives are read from their disk copy). */
export function isArchiveName(name: string): boolean {
  return /\.(zip|tar|tar\.gz|tgz)$/i.test(name);
}

/** An uploaded file already on disk: the client's name (for its id and kind only) and where its bytes are. */
export type SpooledFile = { name: string; path: string };

/**
 * Photos of a directory or archive (see readImageEntries: unsafe paths, links and
 * non-images are reported through `onIssue`, never read; archives are read within `limits`),
 * as import images.
 */
export async function* imagesFromSource(
  source: string,
  onIssue?: (issue: ImageSourceIssue) => void,
  limits?: Partial<ArchiveLimits>,
): AsyncGenerator<ImportImage> {
  for await (const entry of readImageEntries(source, { onIssue, limits })) {
    yield { id: entry.id, name: entry.name, bytes: new Uint8Array(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength) };
  }
}

/**
 * Photos of an upload spooled to disk: one archive (its disk copy keeps the archive's
 * extension), or photo files named `<id>.<ext>`, read one at a time (one over
 * `maxEntryBytes` is reported, not read); only the base name of a client's file name is used.
 */
export async function* imagesFromSpooledFiles(
  files: readonly SpooledFile[],
  onIssue?: (issue: ImageSourceIssue) => void,
  limits?: Partial<ArchiveLimits>,
): AsyncGenerator<ImportImage> {
  if (files.length === 1 && isArchiveName(files[0]!.name)) {
    yield* imagesFromSource(files[0]!.path, onIssue, limits);
    return;
  }
  const maxBytes = limits?.maxEntryBytes ?? defaultArchiveLimits.maxEntryBytes;
  for (const file of files) {
    const name = path.basename(file.name.replace(/\\/g, "/"));
    const id = name.replace(/\.[^.]*$/, "");
    const { size } = await fs.stat(file.path);
    if (size > maxBytes) {
      onIssue?.({ path: name, kind: "too_large", message: `${size} bytes > ${maxBytes}` });
      continue;
    }
    yield { id, name, bytes: new Uint8Array(await fs.readFile(file.path)) };
  }
}

/** Reads an uploaded CSV from its disk copy, refusing one over `maxBytes` unread (413). */
export async function readSpooledCsv(file: SpooledFile, maxBytes: number): Promise<string> {
  const { size } = await fs.stat(file.path);
  if (size > maxBytes) {
    throw new AppError("payload_too_large", `The CSV is larger than ${Math.round(maxBytes / 2 ** 20)} MiB; import it in parts or with npm run catalog:import.`);
  }
  return fs.readFile(file.path, "utf8");
}

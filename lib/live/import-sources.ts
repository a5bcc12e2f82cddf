import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readImageEntries, type ImageSourceIssue } from "../catalog/image-source";
import type { ImportImage } from "./import-catalog";

/** A .zip/.tar(.gz) archive name (uploaded archives are read from a temp copy). */
export function isArchiveName(name: string): boolean {
  return /\.(zip|tar|tar\.gz|tgz)$/i.test(name);
}

/**
 * Photos of a directory or archive (see readImageEntries: unsafe paths, links and
 * non-images are reported through `onIssue`, never read), as import images.
 */
export async function* imagesFromSource(source: string, onIssue?: (issue: ImageSourceIssue) => void): AsyncGenerator<ImportImage> {
  for await (const entry of readImageEntries(source, { onIssue })) {
    yield { id: entry.id, name: entry.name, bytes: new Uint8Array(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength) };
  }
}

/** Uploaded photo files named `<id>.<ext>`; only the base name of a client's file name is used. */
export async function* imagesFromFiles(files: readonly File[]): AsyncGenerator<ImportImage> {
  for (const file of files) {
    const name = path.basename(file.name.replace(/\\/g, "/"));
    const id = name.replace(/\.[^.]*$/, "");
    yield { id, name, bytes: new Uint8Array(await file.arrayBuffer()) };
  }
}

/** Photos of an uploaded archive: copied to a private temp dir, streamed, then removed. */
export async function* imagesFromArchiveUpload(file: File, onIssue?: (issue: ImageSourceIssue) => void): AsyncGenerator<ImportImage> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-import-"));
  try {
    // A fixed name: the client's file name only decides the archive kind.
    const lower = file.name.toLowerCase();
    const ext = lower.endsWith(".tar.gz") ? ".tar.gz" : path.extname(lower);
    const archive = path.join(dir, `upload${ext}`);
    await fs.writeFile(archive, new Uint8Array(await file.arrayBuffer()));
    yield* imagesFromSource(archive, onIssue);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

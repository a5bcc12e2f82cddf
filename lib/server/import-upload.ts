import "server-only";
import type { ArchiveLimits } from "../catalog/archive-limits";
import type { Config } from "../config";
import { AppError } from "../errors";
import { createUploadDir, removeUploadDir } from "../fs/upload-dir";
import type { ImportEvent, ImportImage } from "../live/import-catalog";
import { imagesFromSpooledFiles, readSpooledCsv } from "../live/import-sources";
import { receiveMultipartToDisk } from "./upload";

/** An import request received to disk: its CSV, its photos read one at a time, and the folder to remove. */
export type ImportUpload = {
  csvText: string;
  images: AsyncGenerator<ImportImage>;
  /** Archive entries that were not read (unsafe path, not an image, too large), as import error events. */
  issues: ImportEvent[];
  /** Removes the spooled files; idempotent. Call it on every path once the import ends or fails. */
  dispose: () => Promise<void>;
};

export type ImportUploadOptions = {
  maxBytes: number;
  fields: { csv: string; images: string };
  config: Pick<Config, "IMPORT_MAX_ENTRY_BYTES" | "IMPORT_MAX_TOTAL_BYTES" | "IMPORT_MAX_ENTRIES" | "IMPORT_MAX_RATIO">;
};

/** A styles.csv of the full data set is 4 MB; 64 MiB is room for a million rows. */
const MAX_CSV_BYTES = 64 * 1024 * 1024;
/** Photos sent one file each (an archive is one file). */
const MAX_FILES = 20_000;

/** The archive bounds of the configuration. */
export function toArchiveLimits(config: ImportUploadOptions["config"]): ArchiveLimits {
  return {
    maxEntryBytes: config.IMPORT_MAX_ENTRY_BYTES,
    maxTotalBytes: config.IMPORT_MAX_TOTAL_BYTES,
    maxEntries: config.IMPORT_MAX_ENTRIES,
    maxRatio: config.IMPORT_MAX_RATIO,
  };
}

/**
 * Receives a bulk-import request: the multipart body is streamed to a private temp
 * folder (never held in memory), then the CSV is read and the photos are opened lazily.
 * On any failure here the folder is removed before the error propagates.
 */
export async function receiveImportUpload(request: Request, options: ImportUploadOptions): Promise<ImportUpload> {
  const dir = await createUploadDir();
  let disposed: Promise<void> | undefined;
  const dispose = () => (disposed ??= removeUploadDir(dir));
  try {
    const { files } = await receiveMultipartToDisk(request, {
      dir,
      maxBytes: options.maxBytes,
      maxFiles: MAX_FILES,
      notMultipart: "Send the request as multipart/form-data.",
      tooLarge: () => new AppError("payload_too_large", `The request body is larger than ${Math.round(options.maxBytes / 2 ** 20)} MiB.`),
    });
    const csv = files.find((file) => file.field === options.fields.csv);
    if (!csv) throw new AppError("bad_request", `Send the CSV as a file in the field "${options.fields.csv}".`);
    const photos = files.filter((file) => file.field === options.fields.images && file.size > 0);
    if (photos.length === 0) throw new AppError("bad_request", `Send the photos (or one archive) in the field "${options.fields.images}".`);
    const csvText = await readSpooledCsv(csv, MAX_CSV_BYTES);
    const issues: ImportEvent[] = [];
    const onIssue = (issue: { path: string; message: string }) => issues.push({ type: "error", image: issue.path, message: issue.message });
    const images = imagesFromSpooledFiles(photos, onIssue, toArchiveLimits(options.config));
    return { csvText, images, issues, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

import { AppError } from "../errors";

/** Bounds on reading an image archive: how much an upload can make the server inflate, hold and walk. */
export type ArchiveLimits = {
  /** An entry larger than this is skipped unread and reported (it is never held in memory). */
  maxEntryBytes: number;
  /** Inflated bytes of the whole archive, every entry counted, read or skipped; past it the archive is refused. */
  maxTotalBytes: number;
  /** Entries of any kind (files, directories, links); past it the archive is refused. */
  maxEntries: number;
  /** Inflated ÷ compressed bytes, checked once more than RATIO_FLOOR_BYTES are inflated; past it the archive is refused. */
  maxRatio: number;
};

/**
 * Photo archives barely compress (JPEG and PNG already are): a real one inflates about
 * 1:1, a zip or gzip bomb about 1:1000. 50 MB is five times the largest upload a search
 * accepts; 200,000 entries is five times the data set.
 */
export const defaultArchiveLimits: ArchiveLimits = {
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 200_000,
  maxRatio: 100,
};

/** Below this many inflated bytes the ratio is not checked: a small archive of compressible files is harmless. */
export const RATIO_FLOOR_BYTES = 16 * 1024 * 1024;

/** Counts what an archive inflates to while it is read; each `count*` throws `payload_too_large` past a bound. */
export type InflateBudget = {
  /** Adds inflated bytes (a decompressed chunk, or an entry's declared size). */
  countBytes: (bytes: number) => void;
  /** Adds entries of any kind (one tar header, or a zip's whole directory at once). */
  countEntries: (count: number) => void;
};

/**
 * A budget for one archive: `compressedBytes` says how many bytes of the archive file
 * have been read so far (for a zip, its whole size: its entry sizes are known up front).
 */
export function createInflateBudget(source: string, limits: ArchiveLimits, compressedBytes: () => number): InflateBudget {
  let inflated = 0;
  let entries = 0;
  const refuse = (why: string) =>
    new AppError("payload_too_large", `The archive ${source} was refused: ${why}. Split it into smaller archives, or import it with npm run catalog:import.`);
  return {
    countBytes(bytes) {
      inflated += bytes;
      if (inflated > limits.maxTotalBytes) throw refuse(`it inflates past ${formatMiB(limits.maxTotalBytes)}`);
      const compressed = Math.max(1, compressedBytes());
      if (inflated > RATIO_FLOOR_BYTES && inflated / compressed > limits.maxRatio) {
        throw refuse(`${formatMiB(compressed)} inflate to more than ${formatMiB(inflated)} (over ${limits.maxRatio}:1, a decompression bomb)`);
      }
    },
    countEntries(count) {
      entries += count;
      if (entries > limits.maxEntries) throw refuse(`it holds more than ${limits.maxEntries.toLocaleString("en")} entries`);
    },
  };
}

function formatMiB(bytes: number): string {
  return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

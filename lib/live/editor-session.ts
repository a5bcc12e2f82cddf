import { promises as fs } from "node:fs";
import type { Config } from "../config";
import { AppError } from "../errors";
import { writeJsonAtomic } from "../fs/atomic";
import { indexDimOf } from "../model/manifest";
import { DEFAULT_DUPLICATE_COSINE } from "../search/collapse";
import { createSearchService } from "../search/search-service";
import type { SearchService } from "../search/types";
import type { EditorContext } from "./catalog-editor";
import { findDuplicateGroups } from "./duplicate-report";
import { importCatalog, type ImportEvent } from "./import-catalog";
import { imagesFromSource } from "./import-sources";

/** Where a session reports: machine-readable import events, and progress lines for a person. The CLI picks the streams. */
export type SessionOutput = {
  event(event: ImportEvent): void;
  note(line: string): void;
};

export type ImportRun = { csv: string; images: string; rejectDuplicates?: boolean; duplicateThreshold?: number; compact?: boolean };

export type EditorSession = {
  service: SearchService;
  ctx: EditorContext;
  /** Folds the change log into a new generation (embedded backend only); notes what it did. */
  compact(): Promise<void>;
  /** Writes the catalog-wide near-duplicate report to `file` (embedded backend only). */
  writeDuplicateReport(file: string, threshold?: number): Promise<void>;
  /** Imports a CSV + photos: one event per row, then a summary note; compacts afterwards when asked. */
  runImport(run: ImportRun): Promise<void>;
};

/** Opens the served catalog for writing from a command line (loads the model once). */
export async function openCatalogEditor(config: Config, output: SessionOutput): Promise<EditorSession> {
  const service = await createSearchService(config);
  const ctx: EditorContext = { service, catalogDir: config.CATALOG_DIR, maxPixels: config.MAX_IMAGE_PIXELS };
  const compact = async () => {
    const result = await service.compact();
    output.note(`compacted: ${result.items} items → generation ${result.generation} (${result.foldedLogBytes} log bytes folded, ${result.ms.toFixed(0)} ms)`);
  };
  return {
    service,
    ctx,
    compact,
    async writeDuplicateReport(file, threshold = DEFAULT_DUPLICATE_COSINE) {
      const { items, vectors } = service.snapshot();
      let next = 0;
      const report = findDuplicateGroups(items, vectors, indexDimOf(service.model), threshold, (done) => {
        if (done < next && done < items.length) return;
        next = done + 5_000;
        output.note(`duplicates: ${done} / ${items.length} items compared`);
      });
      await writeJsonAtomic(file, report);
      output.note(
        `duplicates: ${report.groups.length} groups (${report.itemsInGroups} items, ${report.pairCount} pairs) at cosine ≥ ${threshold} ` +
          `among ${report.items} items in ${report.seconds.toFixed(1)} s → ${file}`,
      );
    },
    async runImport(run) {
      const csvText = await fs.readFile(run.csv, "utf8").catch((error: unknown) => {
        throw new AppError("not_found", `Cannot read ${run.csv}`, { cause: error });
      });
      const issues: string[] = [];
      const images = imagesFromSource(run.images, (issue) => issues.push(`${issue.path}: ${issue.message}`));
      const options = { rejectDuplicates: run.rejectDuplicates, duplicateThreshold: run.duplicateThreshold };
      for await (const event of importCatalog(ctx, csvText, images, options)) {
        output.event(event);
        if (event.type === "done") {
          output.note(
            `import: ${event.rows} rows: ${event.added} added, ${event.replaced} replaced, ${event.unchanged} unchanged, ${event.errors} errors` +
              (issues.length > 0 ? `; ${issues.length} archive entries skipped` : ""),
          );
        }
      }
      if (run.compact) await compact();
    },
  };
}

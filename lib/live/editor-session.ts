import { promises as fs } from "node:fs";
import type { Config } from "../config";
import { AppError } from "../errors";
import { writeJsonAtomic } from "../fs/atomic";
import { createSearchService } from "../search/search-service";
import { DEFAULT_DUPLICATE_COSINE } from "../search/collapse";
import type { SearchService } from "../search/types";
import { EmbeddedStore } from "../vector-store/embedded/embedded-store";
import type { EditorContext } from "./catalog-editor";
import { compactCatalog } from "../vector-store/embedded/compact";
import { findDuplicateGroups } from "./duplicate-report";
import { importCatalog } from "./import-catalog";
import { imagesFromSource } from "./import-sources";

export type EditorSession = {
  service: SearchService;
  ctx: EditorContext;
  /** Folds the change log into a new generation (embedded backend only); logs what it did. */
  compact(): Promise<void>;
  /** Writes the catalog-wide near-duplicate report to `file`. */
  writeDuplicateReport(file: string, threshold?: number): Promise<void>;
};

/** Opens the served catalog for writing from a command line (loads the model once). */
export async function openCatalogEditor(config: Config): Promise<EditorSession> {
  const service = await createSearchService(config);
  const ctx: EditorContext = { service, catalogDir: config.CATALOG_DIR, maxPixels: config.MAX_IMAGE_PIXELS };
  const embedded = () => {
    if (!(service.store instanceof EmbeddedStore)) throw new AppError("bad_request", "This needs the embedded backend (VECTOR_BACKEND=embedded)");
    return service.store;
  };
  return {
    service,
    ctx,
    async compact() {
      const result = await compactCatalog(embedded(), config.CATALOG_DIR, service.model);
      console.error(`compacted: ${result.items} items → generation ${result.generation} (${result.foldedLogBytes} log bytes folded, ${result.ms.toFixed(0)} ms)`);
    },
    async writeDuplicateReport(file, threshold = DEFAULT_DUPLICATE_COSINE) {
      const { items, vectors } = embedded().snapshot();
      let next = 0;
      const report = findDuplicateGroups(items, vectors, service.store.dim, threshold, (done) => {
        if (done < next && done < items.length) return;
        next = done + 5_000;
        console.error(`duplicates: ${done} / ${items.length} items compared`);
      });
      await writeJsonAtomic(file, report);
      console.error(
        `duplicates: ${report.groups.length} groups (${report.itemsInGroups} items, ${report.pairCount} pairs) at cosine ≥ ${threshold} ` +
          `among ${report.items} items in ${report.seconds.toFixed(1)} s → ${file}`,
      );
    },
  };
}

export type ImportRun = { csv: string; images: string; rejectDuplicates?: boolean; duplicateThreshold?: number; compact?: boolean };

/** Runs a CSV + photos import, printing NDJSON events to stdout and a summary to stderr. */
export async function runImport(config: Config, run: ImportRun): Promise<void> {
  const csvText = await fs.readFile(run.csv, "utf8").catch((error: unknown) => {
    throw new AppError("not_found", `Cannot read ${run.csv}`, { cause: error });
  });
  const editor = await openCatalogEditor(config);
  const issues: string[] = [];
  const images = imagesFromSource(run.images, (issue) => issues.push(`${issue.path}: ${issue.message}`));
  const options = { rejectDuplicates: run.rejectDuplicates, duplicateThreshold: run.duplicateThreshold };
  for await (const event of importCatalog(editor.ctx, csvText, images, options)) {
    process.stdout.write(`${JSON.stringify(event)}\n`);
    if (event.type === "done") {
      console.error(
        `import: ${event.rows} rows: ${event.added} added, ${event.replaced} replaced, ${event.unchanged} unchanged, ${event.errors} errors` +
          (issues.length > 0 ? `; ${issues.length} archive entries skipped` : ""),
      );
    }
  }
  if (run.compact) await editor.compact();
}

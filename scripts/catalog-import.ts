import { promises as fs } from "node:fs";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { createImportOutput } from "../lib/cli/console-output";
import { AppError } from "../lib/errors";
import { openCatalogEditor } from "../lib/live/editor-session";
import { parseImportCsv } from "../lib/live/import-catalog";

const optionsSchema = z.object({
  csv: z.string().optional(),
  images: z.string().optional(),
  rejectDuplicates: z.boolean().default(false),
  duplicateThreshold: z.coerce.number().min(0.5).max(1).optional(),
  compact: z.boolean().default(false),
  /** Writes the catalog-wide near-duplicate report (JSON) to this file, after the import if there is one. */
  duplicatesReport: z.string().optional(),
});

const usage =
  "usage: npm run catalog:import -- --csv <styles.csv> --images <dir|.zip|.tar|.tar.gz> " +
  "[--reject-duplicates] [--duplicate-threshold 0.97] [--compact] [--duplicates-report <file.json>]";

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const { csv, images, duplicatesReport, ...rest } = options;
  if ((csv || images) && !(csv && images)) throw new AppError("bad_request", usage);
  if (!csv && !duplicatesReport) throw new AppError("bad_request", usage);
  // Counted up front for the ETA; a CSV that cannot be read fails the same way in the import.
  const rows = csv ? await countImportRows(csv) : undefined;
  const editor = await openCatalogEditor(loadConfig(), createImportOutput(rows));
  if (csv && images) await editor.runImport({ csv, images, ...rest });
  if (duplicatesReport) await editor.writeDuplicateReport(duplicatesReport, rest.duplicateThreshold);
});

async function countImportRows(file: string): Promise<number | undefined> {
  const text = await fs.readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const { rows, errors } = parseImportCsv(text);
  return rows.size + errors.length;
}

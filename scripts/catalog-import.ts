import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { consoleOutput } from "../lib/cli/console-output";
import { AppError } from "../lib/errors";
import { openCatalogEditor } from "../lib/live/editor-session";

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
  const editor = await openCatalogEditor(loadConfig(), consoleOutput);
  if (csv && images) await editor.runImport({ csv, images, ...rest });
  if (duplicatesReport) await editor.writeDuplicateReport(duplicatesReport, rest.duplicateThreshold);
});

import { promises as fs } from "node:fs";
import { z } from "zod";
import { buildRecord, productFields } from "../lib/catalog/types";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { consoleOutput } from "../lib/cli/console-output";
import { loadConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { addItem } from "../lib/live/catalog-editor";
import { newItemFieldsSchema } from "../lib/live/item-fields";
import { openCatalogEditor } from "../lib/live/editor-session";

const optionsSchema = z.object({
  photo: z.string().optional(),
  id: z.string().optional(),
  // The product's fields; newItemFieldsSchema checks them below.
  ...buildRecord(productFields, () => z.string().optional()),
  csv: z.string().optional(),
  images: z.string().optional(),
  rejectDuplicates: z.boolean().default(false),
  duplicateThreshold: z.coerce.number().min(0.5).max(1).optional(),
  compact: z.boolean().default(false),
});

const usage =
  "usage: npm run catalog:add -- --photo <file> --id <id> --product-display-name <name> --article-type <type> " +
  "[--gender ..] [--base-colour ..] [--reject-duplicates] [--duplicate-threshold 0.97] [--compact]\n" +
  "   or: npm run catalog:add -- --csv <styles.csv> --images <dir|.zip|.tar> (same as catalog:import)";

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const { photo, csv, images, rejectDuplicates, duplicateThreshold, compact, ...rest } = options;
  const config = loadConfig();
  if (csv !== undefined || images !== undefined) {
    if (!csv || !images) throw new AppError("bad_request", usage);
    const editor = await openCatalogEditor(config, consoleOutput);
    await editor.runImport({ csv, images, rejectDuplicates, duplicateThreshold, compact });
    return;
  }
  if (!photo) throw new AppError("bad_request", usage);
  const parsed = newItemFieldsSchema.safeParse(rest);
  if (!parsed.success) {
    throw new AppError("bad_request", `${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("; ")}\n${usage}`);
  }
  const bytes = await fs.readFile(photo).catch((error: unknown) => {
    throw new AppError("not_found", `Cannot read ${photo}`, { cause: error });
  });
  const editor = await openCatalogEditor(config, consoleOutput);
  const result = await addItem(editor.ctx, new Uint8Array(bytes), parsed.data, { rejectDuplicates, duplicateThreshold });
  console.log(JSON.stringify({ status: result.status, id: result.item.id, duplicates: result.duplicates }));
  if (compact) await editor.compact();
});

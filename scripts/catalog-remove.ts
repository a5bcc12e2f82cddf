import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { consoleOutput } from "../lib/cli/console-output";
import { loadConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { removeItems } from "../lib/live/catalog-editor";
import { openCatalogEditor } from "../lib/live/editor-session";

const optionsSchema = z.object({ compact: z.boolean().default(false) });

await runCli(async () => {
  const { options, positionals } = parseCliArgs(process.argv.slice(2), optionsSchema);
  if (positionals.length === 0 && !options.compact) {
    throw new AppError("bad_request", "usage: npm run catalog:remove -- <id> [<id>...] [--compact]   (--compact alone folds the change log)");
  }
  const editor = await openCatalogEditor(loadConfig(), consoleOutput);
  if (positionals.length > 0) {
    const removed = await removeItems(editor.ctx, positionals);
    console.log(`removed ${removed} of ${positionals.length} ids${removed < positionals.length ? " (the others did not exist)" : ""}`);
  }
  if (options.compact) await editor.compact();
});

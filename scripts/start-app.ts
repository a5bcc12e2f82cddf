import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { hasCatalog } from "../lib/catalog/store";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { BACKBONE_NAME, TRAINED_NAME, manifestPath, resolveServedModel } from "../lib/model/manifest";
import { loadQualityScale } from "../lib/search/quality-file";

// `npm run app`: builds whatever is missing (model, default catalog, trained head, its
// match-quality curve, production bundle), then serves the app with `next start` on PORT (default 3000).
const optionsSchema = z.object({
  skipTrain: z.boolean().default(false),
  rebuildNext: z.boolean().default(false),
});

function step(label: string, command: string, args: string[]): void {
  console.log(`\n▶ ${label}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) throw new AppError("internal", `${label} failed (exit ${result.status})`);
}

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  if (!existsSync(manifestPath(config.MODELS_DIR, BACKBONE_NAME))) step("model", "npm", ["run", "model:build"]);
  if (!(await hasCatalog(config.CATALOG_DIR))) step("catalog", "npm", ["run", "catalog:build", "--", "--quiet"]);
  if (!options.skipTrain && !existsSync(manifestPath(config.MODELS_DIR, TRAINED_NAME))) step("train", "npm", ["run", "train"]);
  // Match quality is fitted per model: a served model without its curve shows uncalibrated scores.
  const served = await resolveServedModel(config.MODELS_DIR);
  if (!(await loadQualityScale(config.MODELS_DIR, served)).calibrated) step("calibrate", "npm", ["run", "calibrate"]);
  if (options.rebuildNext || !existsSync(path.join(process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) step("next build", "npx", ["next", "build"]);
  step("serve", "npx", ["next", "start", "-p", process.env.PORT ?? "3000"]);
});

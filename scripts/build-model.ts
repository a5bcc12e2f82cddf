import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { buildBackboneModel } from "../lib/model/build-backbone";

const optionsSchema = z.object({
  height: z.coerce.number().int().min(32).max(1024).optional(),
  width: z.coerce.number().int().min(32).max(1024).optional(),
  resize: z.enum(["center-crop", "letterbox"]).optional(),
});

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const started = Date.now();
  const manifest = await buildBackboneModel({ modelsDir: config.MODELS_DIR, preprocess: options });
  const { height, width, resize } = manifest.preprocess;
  console.log(
    `model:build: ${manifest.name} (${manifest.id}) → ${config.MODELS_DIR}/${manifest.file}, ` +
      `${manifest.embedding.dim}-d, input ${height}×${width} ${resize}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});

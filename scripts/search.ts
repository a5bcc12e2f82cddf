import { promises as fs } from "node:fs";
import { z } from "zod";
import { buildRecord } from "../lib/catalog/types";
import { AppError } from "../lib/errors";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { K_DEFAULT } from "../lib/search/k-bounds";
import { createSearchService } from "../lib/search/search-service";
import { filterKeys } from "../lib/vector-store/types";

const optionsSchema = z.object({
  // Checked by the service (lib/search/k-bounds.ts), like every k.
  k: z.coerce.number().default(K_DEFAULT),
  ...buildRecord(filterKeys, () => z.string().optional()),
  json: z.boolean().default(false),
});

await runCli(async () => {
  const { options, positionals } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const file = positionals[0];
  if (!file) throw new AppError("bad_request", "usage: npm run search -- <image> [--k 10] [--article-type Shirts]");
  const bytes = await fs.readFile(file).catch((error: unknown) => {
    throw new AppError("not_found", `Cannot read ${file}`, { cause: error });
  });
  const service = await createSearchService(loadConfig());
  const { k, json, ...filters } = options;
  const outcome = await service.searchByImage(bytes, { k, filters });
  if (json) {
    console.log(JSON.stringify(outcome, null, 2));
    return;
  }
  if (outcome.predicted) {
    console.log(`predicted: ${outcome.predicted.map((p) => `${p.label} ${(100 * p.confidence).toFixed(1)}%`).join(", ")}`);
  }
  console.log("rank  score   id      articleType          colour      name");
  outcome.hits.forEach(({ item, score }, i) => {
    console.log(
      `${String(i + 1).padStart(4)}  ${score.toFixed(4)}  ${item.id.padEnd(6)}  ${item.articleType.padEnd(19)}  ` +
        `${item.baseColour.padEnd(10)}  ${item.productDisplayName}`,
    );
  });
  const t = outcome.tookMs;
  console.log(`took ${t.total.toFixed(1)} ms (decode ${t.decode.toFixed(1)}, embed ${t.embed.toFixed(1)}, search ${t.search.toFixed(2)})`);
});

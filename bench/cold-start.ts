import { execFile } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { imagePathFor } from "../lib/catalog/store";
import { IMAGE_FIELD } from "../lib/server/upload";
import type { Bench, BenchOutcome } from "./lib/context";
import { loadCatalogVectors, sampleRows } from "./lib/catalog-vectors";
import { appEnv, BENCH_DIST_DIR, exportCommittedApp, firstAnsweredSearch, multipartBody, startNext } from "./lib/next-server";
import { makeFigure, makeTarget, type Figure } from "./lib/result";
import { median } from "./lib/stats";

const run = promisify(execFile);
const TARGET_S = 3;
const workerSchema = z.object({ importedMs: z.number(), loadedMs: z.number(), answeredMs: z.number(), hits: z.number(), catalogSize: z.number() });

export const coldStartBench: Bench = {
  name: "cold-start",
  title: "Cold start: process start to first answered search",
  async run(ctx): Promise<BenchOutcome> {
    const { config } = ctx;
    const { items } = await loadCatalogVectors(config);
    const row = sampleRows(items, "test", 1, 19)[0]!;
    const photo = imagePathFor(config.CATALOG_DIR, items[row]!);
    const repeats = ctx.quick ? 1 : 3;

    // Bare Node over lib/search: spawn to the answer line, measured here; phases measured inside.
    const bare: { total: number; imported: number; loaded: number; answered: number }[] = [];
    for (let i = 0; i < repeats; i++) {
      ctx.log(`cold-start: bare node ${i + 1}/${repeats}`);
      const t0 = performance.now();
      const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "cold-start-worker.ts"), photo], { maxBuffer: 1 << 20 });
      const total = performance.now() - t0;
      const w = workerSchema.parse(JSON.parse(stdout.trim().split("\n").at(-1)!));
      if (w.hits === 0) throw new Error("the cold-start search returned no hits");
      bare.push({ total, imported: w.importedMs, loaded: w.loadedMs, answered: w.answeredMs });
    }
    const bareS = median(bare.map((b) => b.total)) / 1000;
    const figures: Figure[] = [
      makeFigure("bare node (tsx) over lib/search: spawn → first answer", "s", bareS, TARGET_S, "target"),
      makeFigure("  of which: module imports (tsx transpile included)", "s", median(bare.map((b) => b.imported)) / 1000, null, null),
      makeFigure("  of which: createSearchService (catalog, index, ONNX session)", "s", median(bare.map((b) => b.loaded - b.imported)) / 1000, null, null),
      makeFigure("  of which: first searchByImage", "s", median(bare.map((b) => b.answered - b.loaded)) / 1000, null, null),
    ];
    const notes: string[] = [];
    let nextS: number | null = null;
    const app = await exportCommittedApp(ctx.log, ctx.appCommit);
    if (existsSync(path.join(app.dir, BENCH_DIST_DIR, "BUILD_ID"))) {
      const body = multipartBody(IMAGE_FIELD, "photo.jpg", new Uint8Array(await fs.readFile(photo)), "----vps-cold");
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) {
        ctx.log(`cold-start: next start ${i + 1}/${repeats}`);
        const server = await startNext(app.dir, appEnv(config));
        try {
          times.push(await firstAnsweredSearch(server.url, body, "----vps-cold", server.startedAt));
        } finally {
          await server.stop();
        }
      }
      nextS = median(times) / 1000;
      figures.push(makeFigure("next start: spawn → first answered POST /api/search", "s", nextS, TARGET_S, "target", `commit ${app.commit}; runs: ${times.map((t) => (t / 1000).toFixed(2)).join(", ")} s`));
    } else notes.push(`next start not measured: no ${BENCH_DIST_DIR} build of commit ${app.commit} (run the http benchmark first, it builds one).`);
    return {
      details: {
        catalog: `${items.length} items, served index loaded from disk, model loaded into ONNX Runtime`,
        repeats: `${repeats}, median`,
        query: "one real test-split photo, k = 10",
        "page cache": "warm (files read by earlier runs); a first boot after a reboot reads ~140 MB more from disk",
      },
      figures,
      targets: [
        makeTarget(`next start → first answered search ≤ ${TARGET_S} s at ${items.length} items`, "seconds", "<=", TARGET_S, nextS),
        makeTarget(`bare node over lib/search → first answer ≤ ${TARGET_S} s`, "seconds", "<=", TARGET_S, bareS),
      ],
      triedDidNotPay: [],
      notes,
    };
  },
};

/**
 * Measures the living catalog on a scratch copy of a built catalog (its items and the
 * served model's index; photos are not copied): write latency (fsync per record),
 * replay time for N logged changes, search latency with changes, compaction time.
 * Usage: npx tsx bench/live-catalog.ts [--catalog data/catalog] [--changes 10000] [--out file.json]
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { indexPathFor } from "../lib/catalog/index-path";
import { catalogFiles, readCatalog } from "../lib/catalog/store";
import { loadConfig } from "../lib/config";
import { writeJsonAtomic } from "../lib/fs/atomic";
import { addItem } from "../lib/live/catalog-editor";
import { createSearchService } from "../lib/search/search-service";
import { resolveServedModel } from "../lib/model/manifest";
import { createRng } from "../lib/random";
import { EmbeddedStore } from "../lib/vector-store/embedded/embedded-store";

const optionsSchema = z.object({
  catalog: z.string().default("data/catalog"),
  changes: z.coerce.number().int().positive().default(10_000),
  out: z.string().optional(),
  /** A directory of photos named <id>.jpg: also times addItem end to end (decode + embed + duplicate check + photo + log). */
  photos: z.string().optional(),
});

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;
const summary = (values: number[]) => ({ n: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95), max: Math.max(...values) });

await runCli(async () => {
  const { options } = parseCliArgs(process.argv.slice(2), optionsSchema);
  const config = loadConfig();
  const model = await resolveServedModel(config.MODELS_DIR, config.MODEL_NAME);
  const target = { id: model.id, dim: model.embedding.dim };
  const source = await readCatalog(path.resolve(options.catalog));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-bench-live-"));
  try {
    for (const name of [catalogFiles.manifest, catalogFiles.items, path.basename(indexPathFor(source.generationDir, model.id))]) {
      await fs.copyFile(path.join(source.generationDir, name), path.join(dir, name));
    }
    const rng = createRng(1);
    const unit = () => {
      const v = Float32Array.from({ length: target.dim }, () => rng() * 2 - 1);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const template = source.items[0]!;
    const timed = async <T>(work: () => Promise<T>) => {
      const t0 = performance.now();
      const value = await work();
      return { value, ms: performance.now() - t0 };
    };

    const cold = await timed(() => EmbeddedStore.open(dir, target));
    const store = cold.value;
    const queries = Array.from({ length: 50 }, unit);
    const searchMs = async () => {
      const times: number[] = [];
      for (const q of queries) times.push((await timed(() => store.search(q, { k: 10 }))).ms);
      return summary(times);
    };
    const searchBefore = await searchMs();

    // Half the changes add products, a quarter replace catalog ones, a quarter remove catalog ones.
    const writes: number[] = [];
    for (let i = 0; i < options.changes; i++) {
      const kind = i % 4;
      if (kind < 2) writes.push((await timed(() => store.upsert([{ item: { ...template, id: `bench-${i}` }, vector: unit() }]))).ms);
      else if (kind === 2) writes.push((await timed(() => store.upsert([{ item: source.items[i]!, vector: unit() }]))).ms);
      else writes.push((await timed(() => store.remove([source.items[i]!.id]))).ms);
    }
    const searchAfter = await searchMs();
    const logBytes = store.info().logBytes;
    const replay = await timed(() => EmbeddedStore.open(dir, target));
    const compaction = await timed(() => store.compact(model));
    const reopen = await timed(() => EmbeddedStore.open(dir, target));
    let addMs: ReturnType<typeof summary> | undefined;
    if (options.photos) {
      const service = await createSearchService({ ...config, CATALOG_DIR: dir });
      const ctx = { service, catalogDir: dir, maxPixels: config.MAX_IMAGE_PIXELS };
      const names = (await fs.readdir(options.photos)).filter((name) => name.endsWith(".jpg")).slice(0, 30);
      const times: number[] = [];
      for (const name of names) {
        const photo = new Uint8Array(await fs.readFile(path.join(options.photos, name)));
        const fields = { ...template, id: `photo-${path.parse(name).name}`, productDisplayName: name };
        times.push((await timed(() => addItem(ctx, photo, fields))).ms);
      }
      addMs = summary(times.slice(1)); // the first one warms the model up
    }
    const result = {
      addItemMs: addMs,
      catalog: options.catalog,
      items: source.items.length,
      changes: options.changes,
      cpu: os.cpus()[0]?.model,
      openWithoutLogMs: cold.ms,
      writeMs: summary(writes),
      logBytes,
      openWithLogMs: replay.ms,
      searchMsBefore: searchBefore,
      searchMsWithChanges: searchAfter,
      compaction: { ...compaction.value, ms: compaction.ms },
      openAfterCompactionMs: reopen.ms,
      itemsAfter: await reopen.value.count(),
    };
    console.log(JSON.stringify(result, null, 2));
    if (options.out) await writeJsonAtomic(options.out, result);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { gatherRows } from "../lib/matrix";
import { computePrecisionAtK } from "../lib/metrics/retrieval";
import { describeRanking } from "../lib/pipeline/evaluate";
import { createSearchService } from "../lib/search/search-service";
import type { Bench, BenchOutcome } from "./lib/context";
import { loadBackboneIndex, loadCatalogVectors, sampleRows } from "./lib/catalog-vectors";
import { ensureFaiss, runFaissFlat, writeF32, type FaissRun } from "./lib/faiss";
import { makeFigure, makeTarget } from "./lib/result";
import { median } from "./lib/stats";

const K = 10;
const REPEATS = 3;

const evalSchema = z.object({
  facts: z.record(z.string(), z.string()),
  variants: z.array(z.object({ name: z.string(), overall: z.object({ pAt5: z.number(), queries: z.number() }) })),
});

/** P@5 figures of the reference protocol from reports/eval.json (written by `npm run eval`), if present. */
async function readEvalPAt5(): Promise<{ served?: number; imagenet?: number; facts?: string }> {
  try {
    const report = evalSchema.parse(JSON.parse(await fs.readFile(path.resolve("reports/eval.json"), "utf8")));
    const find = (re: RegExp) => report.variants.find((v) => re.test(v.name))?.overall.pAt5;
    return { served: find(/served/), imagenet: find(/ImageNet/), facts: `${report.facts.catalog}; ${report.facts.queries}` };
  } catch {
    return {};
  }
}

export const servedSearchBench: Bench = {
  name: "served",
  title: "Served search (256-d trained embedding + category boost) vs FAISS flat over 2048-d ImageNet vectors",
  caveats: [
    "the served path (SEARCH_INDEX=auto) walks the generation's HNSW graphs when it has them (lib/index/label-ann.ts: one over the catalog for the plain neighbours, one per category for the boosted ones); its recall is against the exact fp32 scan of the same ranking, and the exact int8 scan it replaces is timed beside it.",
  ],
  async run(ctx): Promise<BenchOutcome> {
    const { config } = ctx;
    const { items, served, backbone } = await loadCatalogVectors(config);
    const imagenet = await loadBackboneIndex(config, backbone);
    const nq = ctx.quick ? 20 : 150;
    const rows = sampleRows(items, "test", nq, 11);
    ctx.log(`served: ${rows.length} test photos through SearchService.searchByImage over ${items.length} items`);

    // Exactly what the app runs: the service's searchByImage on the item's stored photo.
    // tookMs.search is the part after the model (neighbour vote if the ranking uses one, category boost, store search).
    // The query item is in the catalog, so one extra hit is asked for and the item itself dropped.
    // The served setting (config.SEARCH_PRECISION) and the exact fp32 scan side by side: its time and its recall against exact.
    const service = await createSearchService(config);
    const exact = await createSearchService({ ...config, SEARCH_PRECISION: "fp32", SEARCH_INDEX: "flat" });
    const scan = await createSearchService({ ...config, SEARCH_INDEX: "flat" });
    const photos = await Promise.all(rows.map(async (row) => new Uint8Array(await fs.readFile(service.imageFile(items[row]!.id).path))));
    // Warm up as a running server is: the first searches start the onnxruntime scorer, built in the background once the rows settle,
    // and the search graphs load in the background.
    for (const s of [service, exact, scan]) {
      await s.searchByImage(photos[0]!, { k: K });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await s.searchByImage(photos[0]!, { k: K });
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
    const searchMs = rows.map(() => [] as number[]);
    const exactMs = rows.map(() => [] as number[]);
    const scanMs = rows.map(() => [] as number[]);
    const indexKind = service.health().index.kind;
    const embedMs: number[] = [];
    const ourLists: string[][] = [];
    let recall = 0;
    let identical = 0;
    for (let r = 0; r < REPEATS; r++) {
      for (const [q, row] of rows.entries()) {
        const item = items[row]!;
        const outcome = await service.searchByImage(photos[q]!, { k: K + 1 });
        searchMs[q]!.push(outcome.tookMs.search);
        const exactOutcome = await exact.searchByImage(photos[q]!, { k: K + 1 });
        exactMs[q]!.push(exactOutcome.tookMs.search);
        scanMs[q]!.push((await scan.searchByImage(photos[q]!, { k: K + 1 })).tookMs.search);
        if (r === 0) {
          embedMs.push(outcome.tookMs.decode + outcome.tookMs.embed);
          const ids = (o: typeof outcome) => o.hits.map((h) => h.item.id).filter((id) => id !== item.id).slice(0, K);
          const [got, want] = [ids(outcome), ids(exactOutcome)];
          recall += got.filter((id) => want.includes(id)).length / Math.max(want.length, 1);
          if (got.join() === want.join()) identical++;
          ourLists.push(outcome.hits.map((h) => h.item).filter((hit) => hit.id !== item.id).slice(0, K).map((hit) => hit.label));
        }
      }
      if (r === 0 && ctx.quick) break;
    }
    const oursMs = median(searchMs.map(median));
    const exactSearchMs = median(exactMs.map(median));
    const scanSearchMs = median(scanMs.map(median));
    const labelOf = (row: number) => items[row]!.label;
    const pAt5 = (lists: string[][]) => lists.reduce((s, list, q) => s + computePrecisionAtK(list.map((label) => label === labelOf(rows[q]!)), 5), 0) / lists.length;
    const oursP5 = pAt5(ourLists);

    const faiss = await ensureFaiss();
    const anchors: FaissRun[] = [];
    const notes: string[] = [];
    if (faiss.ok) {
      const baseFile = path.join(ctx.workDir, `served-base-${imagenet.dim}.f32`);
      await writeF32(baseFile, imagenet.vectors);
      try {
        const queries = gatherRows(imagenet.vectors, imagenet.dim, rows);
        for (const threads of [1, 0]) {
          anchors.push(await runFaissFlat({ workDir: ctx.workDir, baseFile, n: imagenet.count, queries, dim: imagenet.dim, k: K + 1, repeats: REPEATS, single: rows.length, threads }));
        }
      } finally {
        await fs.rm(baseFile, { force: true });
      }
    } else notes.push(faiss.reason);

    const cited = await readEvalPAt5();
    const figures = [];
    for (const f of anchors) {
      figures.push(makeFigure("search time per query (after the model)", "ms", oursMs, f.singleMedianMs, `FAISS IndexFlatIP ${f.faissVersion}, ${imagenet.dim}-d, ${f.threads} thread${f.threads > 1 ? "s" : ""}`));
    }
    if (anchors.length === 0) figures.push(makeFigure("search time per query (after the model)", "ms", oursMs, null, null));
    const oursLabel = `served (SEARCH_INDEX=${config.SEARCH_INDEX}: ${indexKind}, SEARCH_PRECISION=${config.SEARCH_PRECISION})`;
    figures.push(makeFigure(`search time per query, exact scan of int8 rows (SEARCH_INDEX=flat, SEARCH_PRECISION=${config.SEARCH_PRECISION})`, "ms", scanSearchMs, oursMs, oursLabel));
    figures.push(makeFigure(`search time per query, exact fp32 scan (SEARCH_INDEX=flat, SEARCH_PRECISION=fp32)`, "ms", exactSearchMs, oursMs, oursLabel));
    figures.push(makeFigure(`recall@${K} of the served results against the exact fp32 scan`, "", recall / rows.length, null, null, `identical top ${K} (same order) for ${identical} of ${rows.length} queries`));
    figures.push(makeFigure("decode + model per query (not part of the comparison)", "ms", median(embedMs), null, null));
    const faissLists = anchors[0]?.topK.map((list, q) => list.filter((r) => r !== rows[q]).slice(0, K).map(labelOf));
    figures.push(makeFigure(`P@5 on these ${rows.length} queries (full catalog)`, "", oursP5, faissLists ? pAt5(faissLists) : null, faissLists ? `FAISS flat ${imagenet.dim}-d cosine` : null));
    if (cited.served !== undefined && cited.imagenet !== undefined) {
      figures.push(makeFigure("P@5, reference protocol (cited from reports/eval.json)", "", cited.served, cited.imagenet, "ImageNet ResNet50 2048-d, cosine", cited.facts));
    }
    const fastest = anchors.length ? Math.min(...anchors.map((f) => f.singleMedianMs)) : null;
    return {
      details: {
        catalog: `${items.length} items (full catalog, every split)`,
        ours: `createSearchService → searchByImage, ${served.name} (${served.id}) ${served.embedding.dim}-d with the manifest's ranking (${served.ranking ? describeRanking(served.ranking) : "cosine"}); timed: its tookMs.search (${served.ranking && served.ranking.categoryBoost > 0 && served.ranking.source !== "classifier" ? "neighbour vote + " : ""}category boost + store search; SEARCH_INDEX=${config.SEARCH_INDEX}, serving ${indexKind === "hnsw" ? "HNSW graph walks (hnswlib-node; the catalog's graph for the plain neighbours, each boosted category's own graph when its boost can reach past them; candidates rescored exactly)" : `the exact scan on the onnxruntime scorer, SEARCH_PRECISION=${config.SEARCH_PRECISION}`}; one plain candidate list serves vote, boost and kept matches when it can, lib/search/plain-candidates.ts)`,
        anchor: `FAISS IndexFlatIP over ${backbone.name} (${backbone.id}) ${imagenet.dim}-d vectors of the same catalog, top-11 minus the query`,
        queries: `${rows.length} test-split photos (seed 11), the query item excluded from its results; ${ctx.quick ? 1 : REPEATS} repeats, median over queries of per-query medians`,
      },
      figures,
      targets: [
        makeTarget("served search ≥ 20× faster than FAISS flat on 2048-d ImageNet vectors", "FAISS time / ours (FAISS's faster thread setting)", ">=", 20, fastest === null ? null : fastest / oursMs),
        makeTarget("at equal or better P@5 (these queries)", "ours P@5 − FAISS P@5", ">=", 0, faissLists ? oursP5 - pAt5(faissLists) : null),
      ],
      triedDidNotPay: [],
      notes,
    };
  },
};

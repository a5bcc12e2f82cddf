import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { imagePathFor } from "../catalog/store";
import type { CatalogItem } from "../catalog/types";
import { findConfusedPairs, type ConfusedPair } from "../live/confused-pairs";
import { findDuplicateGroupsInGraph, type DuplicateReport } from "../live/duplicate-report";
import { calibrateItemProbabilities, DEFAULT_SUSPECT_OPTIONS, rankSuspects, type Suspect } from "../live/mislabel-suspects";
import { buildNeighbourGraph, type NeighbourGraph } from "../live/neighbour-graph";
import { isDismissed, readDismissals } from "../live/suspect-dismissals";
import { indexDimOf } from "../model/manifest";
import { SUSPECT_GRAPH_K } from "../pipeline/evaluate-suspects";
import type { ItemFeatureOptions } from "../pipeline/item-features";
import { loadItemProbabilities } from "../pipeline/item-probabilities";
import type { SearchService } from "../search/types";

/** Photos without cached probabilities embedded one by one with the served model (beyond this, the cached backbone descriptors are read instead). */
const PHOTO_PASS_LIMIT = 64;

/** One catalog state, analysed: what the console's lists are computed from. */
export type CatalogAnalysis = {
  /** Content id of the state: model, and every row's id, photo and label. */
  version: string;
  items: readonly CatalogItem[];
  graph: NeighbourGraph;
  /** Every suspect, most suspicious first (dismissals not applied: they change without a new state). */
  suspects: Suspect[];
  classifier: boolean;
  /** What the analysis cost, in seconds (graph 0 when it was reused). */
  seconds: { probabilities: number; graph: number; rank: number };
};

export type SuspectPage = { suspects: Suspect[]; total: number; dismissed: number; version: string; classifier: boolean };

/**
 * The catalog-quality console's engine over the served catalog: mislabel suspects, duplicate
 * groups, blank photos and confused pairs, computed once per catalog state and reused until
 * the state changes (any add, edit or removal, here or by another instance). An edit that
 * changes only labels reuses the neighbour graph (the vectors did not move), so it re-ranks
 * in milliseconds; new or removed photos rebuild it (seconds at 40K items).
 */
export class CatalogCuration {
  private current: { items: readonly CatalogItem[]; analysis: Promise<CatalogAnalysis> } | undefined;
  /** What depends on the photos only (ids and image hashes): the neighbour graph and the tempered probabilities. */
  private photosOf: PhotoAnalysis | undefined;

  constructor(
    private readonly service: SearchService,
    private readonly options: ItemFeatureOptions,
  ) {}

  /** The analysis of the catalog as the service serves it now (call service.refresh() first to see other writers). */
  analyse(): Promise<CatalogAnalysis> {
    const items = this.service.items;
    if (this.current?.items !== items) {
      const analysis = this.compute();
      // A failed analysis is not kept: the next call tries again.
      analysis.catch(() => {
        if (this.current?.analysis === analysis) this.current = undefined;
      });
      this.current = { items, analysis };
    }
    return this.current.analysis;
  }

  /** A page of the ranked suspects, dismissed ones (under the label they still have) left out. */
  async suspects(page: { limit: number; offset: number }): Promise<SuspectPage> {
    const analysis = await this.analyse();
    const dismissals = await readDismissals(this.options.catalogDir);
    const open = analysis.suspects.filter((s) => !isDismissed(dismissals, s.id, s.label));
    return {
      suspects: open.slice(page.offset, page.offset + page.limit),
      total: open.length,
      dismissed: analysis.suspects.length - open.length,
      version: analysis.version,
      classifier: analysis.classifier,
    };
  }

  /** Near-duplicate groups at `threshold` (the duplicate report's rule over the shared graph) and the blank photos. */
  async duplicates(threshold: number): Promise<{ report: DuplicateReport; blank: CatalogItem[]; items: readonly CatalogItem[]; version: string }> {
    const analysis = await this.analyse();
    const report = findDuplicateGroupsInGraph(analysis.items, analysis.graph, threshold);
    return { report, blank: analysis.items.filter((item) => item.blank), items: analysis.items, version: analysis.version };
  }

  /** The category pairs the model confuses most in the catalog now. */
  async confusedPairs(limit = 20): Promise<{ pairs: ConfusedPair[]; items: readonly CatalogItem[]; version: string }> {
    const analysis = await this.analyse();
    return { pairs: findConfusedPairs(analysis.items, analysis.suspects, limit), items: analysis.items, version: analysis.version };
  }

  /** The served classifier's tempered probabilities of every photo, and the neighbour graph of the vectors. */
  private async analysePhotos(key: string, items: readonly CatalogItem[], vectors: Float32Array): Promise<PhotoAnalysis> {
    const { service } = this;
    const model = service.model;
    const t0 = performance.now();
    const loaded = await loadItemProbabilities(this.options, model, items, {
      photoPassLimit: PHOTO_PASS_LIMIT,
      embedPhoto: async (item) => (await service.embedPhoto(new Uint8Array(await fs.readFile(imagePathFor(this.options.catalogDir, item))))).probabilities,
    });
    const probabilities = loaded && calibrateItemProbabilities(loaded.probabilities, model.classifier?.labels.length ?? 0, model.ranking?.temperature ?? 1);
    const t1 = performance.now();
    const graph = await buildNeighbourGraph(vectors, indexDimOf(model), SUSPECT_GRAPH_K);
    return { key, graph, probabilities, seconds: { probabilities: (t1 - t0) / 1000, graph: (performance.now() - t1) / 1000 } };
  }

  private async compute(): Promise<CatalogAnalysis> {
    const { service } = this;
    const model = service.model;
    const { items, vectors } = service.snapshot();
    const labels = model.classifier?.labels ?? [];
    // The graph and the probabilities are of the photos: an edit of labels only reuses both.
    const key = contentKey(model.id, items, false);
    const reused = this.photosOf?.key === key;
    if (!reused) this.photosOf = await this.analysePhotos(key, items, vectors);
    const { graph, probabilities, seconds } = this.photosOf!;
    const t2 = performance.now();
    // The probabilities are tempered already.
    const suspects = rankSuspects({ items, graph, probabilities, labels }, { ...DEFAULT_SUSPECT_OPTIONS, temperature: 1 });
    const t3 = performance.now();
    return {
      version: contentKey(model.id, items, true),
      items,
      graph,
      suspects,
      classifier: probabilities !== undefined,
      seconds: { ...(reused ? { probabilities: 0, graph: 0 } : seconds), rank: (t3 - t2) / 1000 },
    };
  }
}

type PhotoAnalysis = { key: string; graph: NeighbourGraph; probabilities?: Float32Array; seconds: { probabilities: number; graph: number } };

/** A short content id of the rows: ids and photos (what the vectors are of), and the labels when asked. */
function contentKey(modelId: string, items: readonly CatalogItem[], withLabels: boolean): string {
  const hash = createHash("sha256").update(modelId);
  for (const item of items) hash.update(`\n${item.id}\t${item.imageHash}${withLabels ? `\t${item.label}` : ""}`);
  return hash.digest("hex").slice(0, 16);
}

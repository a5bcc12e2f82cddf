import { promises as fs } from "node:fs";
import path from "node:path";
import hnswlib from "hnswlib-node";
import { z } from "zod";
import { AppError } from "../errors";
import { readJson, syncDir, tempPathBeside, writeJsonAtomic } from "../fs/atomic";
import { checkExclude, countMaskedRows, type FlatIndex, type IndexHit, type RowFilter } from "./flat-index";
import { compareScoredRows, type ScoredRow } from "./topk";

// hnswlib-node is CommonJS with `module.exports = addon`, so only the default import works from ESM.
type Graph = InstanceType<typeof hnswlib.HierarchicalNSW>;

export const hnswParamsSchema = z.object({
  /** Links per node (hnswlib `M`): more = better recall, more memory, slower build. */
  m: z.number().int().min(2).max(128),
  /** Candidate list size while building. */
  efConstruction: z.number().int().min(1),
  /** Candidate list size while searching (raised to k when k is larger). */
  efSearch: z.number().int().min(1),
  /** Seed of hnswlib's level generator, so builds are reproducible. */
  seed: z.number().int().nonnegative(),
  /** Filtered searches letting at most this many rows through run exactly on the flat index. */
  exactBelow: z.number().int().nonnegative(),
});
export type HnswParams = z.infer<typeof hnswParamsSchema>;

export const defaultHnswParams: HnswParams = { m: 16, efConstruction: 200, efSearch: 64, seed: 100, exactBelow: 4096 };

const hnswFileSchema = z.object({
  magic: z.literal("vps-hnsw-index"),
  version: z.literal(1),
  dim: z.number().int().positive(),
  count: z.number().int().nonnegative(),
  /** Content id of the flat index the graph was built from (index-file's contentId). */
  sourceContentId: z.string(),
  graphBytes: z.number().int().nonnegative(),
  params: hnswParamsSchema,
});

/**
 * Approximate inner-product search with an HNSW graph (hnswlib) over the rows of
 * a FlatIndex. Labels in the graph are row numbers; hits are rescored exactly on
 * the flat vectors so scores and tie order match FlatIndex.search.
 */
export class HnswIndex {
  readonly flat: FlatIndex;
  private readonly graph: Graph;
  private readonly settings: HnswParams;

  constructor(graph: Graph, flat: FlatIndex, params: HnswParams) {
    this.graph = graph;
    this.flat = flat;
    this.settings = { ...params };
    graph.setEf(params.efSearch);
  }

  get dim(): number {
    return this.flat.dim;
  }

  get count(): number {
    return this.flat.count;
  }

  get ids(): readonly string[] {
    return this.flat.ids;
  }

  get params(): Readonly<HnswParams> {
    return this.settings;
  }

  /** Changes the search-time candidate list size. */
  setEfSearch(efSearch: number): void {
    this.settings.efSearch = parseHnswParams({ ...this.settings, efSearch }).efSearch;
    this.graph.setEf(efSearch);
  }

  /**
   * The k approximate nearest rows, best first. A mask is applied inside the
   * graph walk; when it lets few rows through, or the walk finds fewer than k of
   * them, the exact flat search answers instead, so k hits come back whenever k rows qualify.
   */
  search(query: Float32Array, k: number, filter: RowFilter = {}): IndexHit[] {
    if (query.length !== this.dim) {
      throw new AppError("bad_request", `Query has ${query.length} floats, expected ${this.dim}`);
    }
    if (!Number.isInteger(k) || k < 1) throw new AppError("bad_request", `k must be a positive integer, got ${k}`);
    const exclude = checkExclude(filter.exclude, this.count);
    const mask = filter.mask;
    if (mask === undefined) {
      const want = Math.min(k + exclude.length, this.count);
      const rows = this.walk(query, want, undefined).filter((row) => !exclude.includes(row));
      return this.rescore(query, rows, k);
    }
    if (mask.length !== this.count) {
      throw new AppError("bad_request", `Mask has ${mask.length} entries for ${this.count} rows`);
    }
    const allowed = countMaskedRows(mask) - exclude.filter((row) => mask[row] !== 0).length;
    if (allowed <= this.settings.exactBelow) return this.flat.search(query, k, filter);
    const keep =
      exclude.length === 0
        ? (row: number) => mask[row] !== 0
        : (row: number) => mask[row] !== 0 && !exclude.includes(row);
    const want = Math.min(k, allowed);
    const rows = this.walk(query, want, keep);
    if (rows.length < want) return this.flat.search(query, k, filter);
    return this.rescore(query, rows, k);
  }

  /**
   * The rows of one graph walk for `want` neighbours, nearest first by the graph's own distances
   * (not rescored), only rows `keep` accepts when given. For callers that score on their own vectors.
   */
  candidates(query: Float32Array, want: number, keep?: (row: number) => boolean): number[] {
    if (query.length !== this.dim) throw new AppError("bad_request", `Query has ${query.length} floats, expected ${this.dim}`);
    return this.walk(query, Math.min(want, this.count), keep);
  }

  /** Writes the bare hnswlib graph (no sidecar, not atomic): use saveHnswIndex. */
  async writeGraph(file: string): Promise<void> {
    await this.graph.writeIndex(file);
  }

  /** hnswlib widens its candidate list to k by itself (max(ef, k)), so no ef juggling here. */
  private walk(query: Float32Array, k: number, keep: ((row: number) => boolean) | undefined): number[] {
    if (k === 0) return [];
    return this.graph.searchKnn(Array.from(query), k, keep).neighbors;
  }

  private rescore(query: Float32Array, rows: readonly number[], k: number): IndexHit[] {
    const scored: ScoredRow[] = rows.map((row) => ({ row, score: this.flat.score(query, row) }));
    return scored
      .sort(compareScoredRows)
      .slice(0, k)
      .map(({ row, score }) => ({ row, id: this.flat.ids[row] as string, score }));
  }
}

/** Builds an HNSW graph over every row of `flat` (synchronous; minutes for large catalogs). */
export function buildHnswIndex(flat: FlatIndex, params: Partial<HnswParams> = {}): HnswIndex {
  const settings = parseHnswParams({ ...defaultHnswParams, ...params });
  const graph = new hnswlib.HierarchicalNSW("ip", flat.dim);
  graph.initIndex({
    maxElements: Math.max(1, flat.count),
    m: settings.m,
    efConstruction: settings.efConstruction,
    randomSeed: settings.seed,
  });
  for (let row = 0; row < flat.count; row++) graph.addPoint(Array.from(flat.vector(row)), row);
  return new HnswIndex(graph, flat, settings);
}

/**
 * Saves the graph to `file` (temp name, fsync, rename) and a `<file>.json` sidecar
 * that ties it to the flat index it was built from.
 */
export async function saveHnswIndex(file: string, index: HnswIndex, source: { contentId: string }): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = tempPathBeside(file);
  try {
    await index.writeGraph(tmp);
    const handle = await fs.open(tmp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { size } = await fs.stat(tmp);
    await fs.rename(tmp, file);
    await syncDir(dir);
    await writeJsonAtomic(sidecarPath(file), {
      magic: "vps-hnsw-index",
      version: 1,
      dim: index.dim,
      count: index.count,
      sourceContentId: source.contentId,
      graphBytes: size,
      params: index.params,
    } satisfies z.infer<typeof hnswFileSchema>);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/**
 * Loads a graph saved by saveHnswIndex over `flat`, which must be the index it was
 * built from (checked by content id, size and count). `efSearch` overrides the saved one.
 */
export async function loadHnswIndex(
  file: string,
  flat: FlatIndex,
  source: { contentId: string; efSearch?: number },
): Promise<HnswIndex> {
  const meta = await readJson(sidecarPath(file), hnswFileSchema);
  const stale = (why: string) => new AppError("not_ready", `HNSW index ${file} does not match the flat index: ${why}`);
  if (meta.sourceContentId !== source.contentId) throw stale("built from other vectors");
  if (meta.dim !== flat.dim || meta.count !== flat.count) {
    throw stale(`graph is ${meta.count} × ${meta.dim}, flat is ${flat.count} × ${flat.dim}`);
  }
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (error) {
    throw new AppError("not_ready", `Missing HNSW index ${file}`, { cause: error });
  }
  if (size !== meta.graphBytes) {
    throw new AppError("internal", `Corrupt HNSW index ${file}: ${size} bytes, expected ${meta.graphBytes}`);
  }
  const graph = new hnswlib.HierarchicalNSW("ip", flat.dim);
  try {
    await graph.readIndex(file);
  } catch (error) {
    throw new AppError("internal", `Corrupt HNSW index ${file}`, { cause: error });
  }
  if (graph.getCurrentCount() !== flat.count) throw stale(`graph holds ${graph.getCurrentCount()} points`);
  const params = { ...meta.params, efSearch: source.efSearch ?? meta.params.efSearch };
  return new HnswIndex(graph, flat, parseHnswParams(params));
}

/** Validates HNSW parameters; invalid ones are an AppError bad_request. */
export function parseHnswParams(params: unknown): HnswParams {
  const parsed = hnswParamsSchema.safeParse(params);
  if (!parsed.success) throw new AppError("bad_request", `Invalid HNSW parameters: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function sidecarPath(file: string): string {
  return `${file}.json`;
}

import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { pathExists, readJson, syncDir, tempPathBeside, writeJsonAtomic } from "../fs/atomic";
import { gatherRows } from "../matrix";
import { FlatIndex } from "./flat-index";
import { buildHnswIndex, hnswParamsSchema, loadHnswIndex, saveHnswIndex, type HnswIndex, type HnswParams } from "./hnsw-index";
import type { ScoredRow } from "./topk";

/**
 * Approximate search for the served ranking (cosine + a boost per category label) without a
 * full scan: one HNSW graph over every row, and one graph per label, so the rows of a boosted
 * label are walked in their own graph (no filter callback into JavaScript per visited node,
 * which decision 0002 measured at 3–25 ms for a selective filter). Labels with few rows are
 * scanned exactly. The candidates are rescored exactly by the caller's scorer, so scores are
 * those of the flat index; only which rows are found is approximate (recall in docs/performance.md).
 *
 * Why the union is enough: in the boosted top k, a row of an unboosted label has fewer than k
 * rows above it by cosine (each of those ranks above it too), so it is in the plain top k; a
 * row of a boosted label L is in L's own top k by cosine. So the plain walk plus, for every
 * label whose boost could lift one of its rows past the plain candidates' k-th ranked score,
 * that label's walk holds the exact answer whenever the walks themselves are exact.
 */

/** Graph settings: decision 0002's M and efSearch; efConstruction lowered to 100 (recall in docs/performance.md). */
export const annParams: HnswParams = { m: 16, efConstruction: 100, efSearch: 64, seed: 100, exactBelow: 0 };
/** Labels with fewer rows than this are scanned exactly: at 256-d that is well under a tenth of a millisecond. */
export const ANN_EXACT_LABEL_ROWS = 512;
/** Catalogs below this many rows are scanned exactly (a millisecond or two): no graph is built. */
export const ANN_MIN_ROWS = 8192;

const manifestSchema = z.object({
  magic: z.literal("vps-label-ann"),
  version: z.literal(1),
  sourceContentId: z.string(),
  count: z.number().int().nonnegative(),
  dim: z.number().int().positive(),
  /** sha256 of the rows' labels in row order: the parts are only valid for that assignment. */
  labelsHash: z.string(),
  params: hnswParamsSchema,
  parts: z.array(z.object({ label: z.string(), rows: z.number().int().positive(), graph: z.string().nullable() })),
});
type Manifest = z.infer<typeof manifestSchema>;

type Part = { label: string; rows: Int32Array; graph?: HnswIndex };

export type AnnSearch = {
  k: number;
  /** The boost of a label (0 or missing: none); ranks by fround(cosine + boost). */
  boost?: Readonly<Record<string, number>>;
  /** Rows never returned. */
  exclude?: ReadonlySet<number>;
  /**
   * Rows the graphs may return (alive, and unchanged since the graphs were built); undefined: all.
   * Rows outside it that may be returned must be listed in `extraRows`.
   */
  usable?: (row: number) => boolean;
  /** Rows searched exactly besides the graphs (added or changed since they were built). */
  extraRows?: readonly number[];
  /** The exact cosine of the query with a row (the caller's current vectors). */
  score: (row: number) => number;
  /** The label of a row now. */
  labelOf: (row: number) => string;
};

export class LabelAnnIndex {
  private readonly partOf = new Map<string, Part>();

  private constructor(
    readonly count: number,
    readonly dim: number,
    private readonly all: HnswIndex,
    parts: readonly Part[],
  ) {
    for (const part of parts) this.partOf.set(part.label, part);
  }

  /** Builds the graphs over `flat`'s rows with `labels[row]` (synchronous, one core: 21 s for 40K × 370, decision 0023). */
  static build(flat: FlatIndex, labels: readonly string[], params: HnswParams = annParams): LabelAnnIndex {
    if (labels.length !== flat.count) throw new AppError("internal", `${labels.length} labels for ${flat.count} rows`);
    const all = buildHnswIndex(flat, params);
    const parts = groupRows(labels).map(({ label, rows }): Part => {
      if (rows.length < ANN_EXACT_LABEL_ROWS) return { label, rows };
      return { label, rows, graph: buildHnswIndex(subIndex(flat, rows), params) };
    });
    return new LabelAnnIndex(flat.count, flat.dim, all, parts);
  }

  /**
   * The top `k` rows by fround(cosine + boost[label]) (ties: lower row first), with their plain
   * cosine as `score`; see the module comment for why the walks find them.
   */
  search(query: Float32Array, q: AnnSearch): ScoredRow[] {
    const exclude = q.exclude ?? new Set<number>();
    const want = q.k + exclude.size;
    const boostOf = (row: number) => Math.fround(q.boost?.[q.labelOf(row)] ?? 0);
    const scores = new Map<number, number>();
    const scoreOf = (row: number) => {
      let score = scores.get(row);
      if (score === undefined) scores.set(row, (score = q.score(row)));
      return score;
    };
    const plainWalk = this.plainWalk(query, Math.max(want, this.all.params.efSearch), q.usable);
    const candidates = new Set<number>([...plainWalk, ...(q.extraRows ?? [])]);
    const rank = () =>
      [...candidates]
        .filter((row) => !exclude.has(row))
        .map((row) => {
          const score = scoreOf(row);
          return { row, score, ranked: Math.fround(score + boostOf(row)) };
        })
        .sort((a, b) => b.ranked - a.ranked || a.row - b.row);
    let ranked = rank();
    const boosts = Object.entries(q.boost ?? {}).filter(([, b]) => Math.fround(b) > 0);
    if (boosts.length > 0) {
      // The walk found every row whose cosine beats its last one (up to recall): only labels whose
      // boost lifts a row from below that cosine past the current k-th ranked score can add rows.
      // (Asking for every row returns every usable one: nothing lies below the walk then.)
      const walkedAll = Math.max(want, this.all.params.efSearch) >= this.all.count;
      const floor = plainWalk.length === 0 ? -Infinity : Math.min(...plainWalk.map(scoreOf));
      const kth = ranked.length >= q.k ? ranked[q.k - 1]!.ranked : -Infinity;
      let added = false;
      for (const [label, b] of boosts) {
        if (walkedAll || Math.fround(floor + Math.fround(b)) < kth) continue;
        const part = this.partOf.get(label);
        if (!part) continue;
        for (const row of this.labelRows(part, query, want, q)) candidates.add(row);
        added = true;
      }
      if (added) ranked = rank();
    }
    return ranked.slice(0, q.k).map(({ row, score }) => ({ row, score }));
  }

  private labelRows(part: Part, query: Float32Array, want: number, q: AnnSearch): Iterable<number> {
    if (!part.graph) return q.usable ? Array.from(part.rows).filter(q.usable) : part.rows;
    const local = part.graph.candidates(query, want, q.usable && ((i: number) => q.usable!(part.rows[i]!)));
    return local.map((i) => part.rows[i]!);
  }

  /**
   * The catalog graph's walk, remembered for the last query when every row is usable: a photo search
   * asks for the plain neighbours and then, when they cannot prove the boosted answer, for that
   * answer, with the same vector (compared value by value, so a changed query never reuses it).
   */
  private plainWalk(query: Float32Array, want: number, usable: ((row: number) => boolean) | undefined): number[] {
    const last = this.lastWalk;
    if (!usable && last && last.want === want && sameValues(last.query, query)) return last.rows;
    const rows = this.all.candidates(query, want, usable);
    this.lastWalk = usable ? undefined : { query: query.slice(), want, rows };
    return rows;
  }

  private lastWalk: { query: Float32Array; want: number; rows: number[] } | undefined;

  /** Writes the graphs into `dir` (a new directory, renamed into place whole; an existing one is kept). */
  async save(dir: string, source: { contentId: string; labels: readonly string[] }): Promise<void> {
    if (await pathExists(path.join(dir, MANIFEST))) return;
    const parent = path.dirname(dir);
    const tmp = tempPathBeside(dir);
    await fs.mkdir(tmp, { recursive: true });
    try {
      await saveHnswIndex(path.join(tmp, "all.hnsw"), this.all, { contentId: source.contentId });
      const parts: Manifest["parts"] = [];
      let i = 0;
      for (const part of this.partOf.values()) {
        const graph = part.graph ? `part-${i++}.hnsw` : null;
        if (part.graph && graph) await saveHnswIndex(path.join(tmp, graph), part.graph, { contentId: partId(source.contentId, part.label) });
        parts.push({ label: part.label, rows: part.rows.length, graph });
      }
      await writeJsonAtomic(path.join(tmp, MANIFEST), {
        magic: "vps-label-ann",
        version: 1,
        sourceContentId: source.contentId,
        count: this.count,
        dim: this.dim,
        labelsHash: hashLabels(source.labels),
        params: this.all.params,
        parts,
      } satisfies Manifest);
      await syncDir(tmp);
      await fs.rename(tmp, dir).catch(async (error: unknown) => {
        // Another process saved the same graphs meanwhile: theirs are as good.
        if (!(await pathExists(path.join(dir, MANIFEST)))) throw error;
      });
      await syncDir(parent);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /**
   * Loads graphs saved for `flat` (same content id) and `labels` (same labels in row order);
   * undefined when none were saved. Mismatched or damaged graphs are an AppError.
   */
  static async load(dir: string, flat: FlatIndex, source: { contentId: string; labels: readonly string[]; efSearch?: number }): Promise<LabelAnnIndex | undefined> {
    if (!(await pathExists(path.join(dir, MANIFEST)))) return undefined;
    const manifest = await readJson(path.join(dir, MANIFEST), manifestSchema);
    if (manifest.sourceContentId !== source.contentId || manifest.count !== flat.count || manifest.dim !== flat.dim) {
      throw new AppError("not_ready", `The search graphs in ${dir} were built from other vectors`);
    }
    if (manifest.labelsHash !== hashLabels(source.labels)) throw new AppError("not_ready", `The search graphs in ${dir} were built for other labels`);
    const all = await loadHnswIndex(path.join(dir, "all.hnsw"), flat, { contentId: source.contentId, efSearch: source.efSearch });
    const grouped = new Map(groupRows(source.labels).map((g) => [g.label, g.rows]));
    const parts: Part[] = [];
    for (const saved of manifest.parts) {
      const rows = grouped.get(saved.label);
      if (!rows || rows.length !== saved.rows) throw new AppError("not_ready", `The search graphs in ${dir} disagree with label ${saved.label}`);
      const graph = saved.graph
        ? await loadHnswIndex(path.join(dir, saved.graph), subIndex(flat, rows), { contentId: partId(source.contentId, saved.label), efSearch: source.efSearch })
        : undefined;
      parts.push({ label: saved.label, rows, ...(graph ? { graph } : {}) });
    }
    return new LabelAnnIndex(flat.count, flat.dim, all, parts);
  }
}

const MANIFEST = "ann.json";

/** Where the graphs of an index file with content id `contentId` live (content-addressed, beside it). */
export function annDirFor(indexFile: string, contentId: string): string {
  return `${indexFile}.ann-${contentId.slice(0, 16)}`;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function groupRows(labels: readonly string[]): { label: string; rows: Int32Array }[] {
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, row) => {
    let rows = byLabel.get(label);
    if (!rows) byLabel.set(label, (rows = []));
    rows.push(row);
  });
  return [...byLabel].map(([label, rows]) => ({ label, rows: Int32Array.from(rows) }));
}

/** The rows of `flat` as their own index (local row i = global row rows[i]). */
function subIndex(flat: FlatIndex, rows: Int32Array): FlatIndex {
  const list = Array.from(rows);
  return new FlatIndex(flat.dim, list.map((row) => flat.ids[row]!), gatherRows(flat.vectors, flat.dim, list));
}

function hashLabels(labels: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(labels)).digest("hex");
}

function partId(contentId: string, label: string): string {
  return createHash("sha256").update(`${contentId}\u0000${label}`).digest("hex");
}



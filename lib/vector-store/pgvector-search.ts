import type { CatalogItem } from "../catalog/types";
import { filterKeys, type SearchFilters } from "./types";
import { filterColumns, textVectorSql, toCatalogItem, toTsQueryText } from "./pgvector-schema";

/** A row found by one group's query: catalog order, record and plain cosine similarity. */
export type PgCandidate = { seq: number; item: CatalogItem; cosine: number };

/** One slice of the catalog searched by its own index query: one label, or every label but some. */
export type LabelGroup = { label: string } | { exceptLabels: readonly string[] };

export type GroupRequest = { group: LabelGroup; limit: number };

/** Runs the group queries (all in one statement) and returns each group's rows. */
export type RunGroups = (requests: readonly GroupRequest[]) => Promise<PgCandidate[][]>;

// Labels searched on their own. The served ranker boosts every label by P(label) × weight, so
// the few likely labels carry nearly all the boost and the rest share a small bound.
const MAX_SINGLE_LABELS = 3;

/**
 * Exact top-k under `cosine + labelBoost[label]` with index queries only (a threshold algorithm):
 * within one label the boost is constant, so each boosted label's own top-k by cosine holds every
 * row of it that can reach the top k. The remaining labels are searched together, and their page
 * is doubled until its worst cosine plus the largest boost among them cannot beat the k-th score.
 * Returns at most k candidates, best first; scores stay plain cosine.
 */
export async function searchWithBoost(
  k: number, boost: Readonly<Record<string, number>>, run: RunGroups,
): Promise<PgCandidate[]> {
  const positive = Object.entries(boost).filter(([, b]) => b > 0).sort((a, b) => b[1] - a[1]);
  const singles = positive.slice(0, MAX_SINGLE_LABELS).map(([label]) => label);
  // Labels outside `boost` add 0; negative boosts only lower scores, so 0 still bounds them.
  const restBound = Math.max(0, ...positive.slice(MAX_SINGLE_LABELS).map(([, b]) => b));
  const rest: LabelGroup = { exceptLabels: singles };
  const boostOf = (item: CatalogItem) => boost[item.label] ?? 0;

  const requests: GroupRequest[] = [...singles.map((label) => ({ group: { label }, limit: k })), { group: rest, limit: k }];
  const pages = await run(requests);
  const fixed = pages.slice(0, singles.length).flat();
  let restPage = pages[singles.length] ?? [];
  let restLimit = k;
  for (;;) {
    const ranked = rank([...fixed, ...restPage], boostOf);
    const exhausted = restPage.length < restLimit;
    const kth = ranked.length >= k ? ranked[k - 1]!.boosted : -Infinity;
    const worstRest = Math.min(...restPage.map((c) => c.cosine));
    if (exhausted || worstRest + restBound <= kth) return ranked.slice(0, k).map(({ boosted: _, ...candidate }) => candidate);
    restLimit *= 2;
    restPage = (await run([{ group: rest, limit: restLimit }]))[0] ?? [];
  }
}

function rank(candidates: PgCandidate[], boostOf: (item: CatalogItem) => number): (PgCandidate & { boosted: number })[] {
  return candidates
    .map((c) => ({ ...c, boosted: c.cosine + boostOf(c.item) }))
    .sort((a, b) => b.boosted - a.boosted || a.seq - b.seq);
}

/** Filters, exclusions and the text restriction shared by every group of one search, as SQL and parameters. */
export type SearchScope = { filters?: SearchFilters; excludeIds?: readonly string[]; text?: string };

/** The scope's WHERE conditions, their parameters numbered through `param`; `narrowed` when any restricts the rows. */
function scopeConditions(scope: SearchScope, param: (value: unknown) => string): { conditions: string[]; narrowed: boolean } {
  const conditions: string[] = [];
  for (const key of filterKeys) {
    const value = scope.filters?.[key];
    if (value !== undefined && value !== "") conditions.push(`${filterColumns[key]} = ${param(value)}`);
  }
  if (scope.text !== undefined) conditions.push(`(${textVectorSql()}) @@ to_tsquery('english', ${param(toTsQueryText(scope.text))})`);
  const narrowed = conditions.length > 0;
  if (scope.excludeIds && scope.excludeIds.length > 0) conditions.push(`NOT (id = ANY(${param([...scope.excludeIds])}::text[]))`);
  return { conditions, narrowed };
}

/**
 * The text-only statement: rows matching every term (SearchScope.text) under the filters, best
 * ts_rank first (ties in catalog order), at most `limit`. Parameters are numbered from $1.
 */
export function buildTextSql(table: string, scope: SearchScope & { text: string }, limit: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const query = param(toTsQueryText(scope.text));
  const { conditions } = scopeConditions({ ...scope, text: undefined }, param);
  const where = [`(${textVectorSql()}) @@ to_tsquery('english', ${query})`, ...conditions].join(" AND ");
  const sql = `SELECT seq, item, ts_rank(${textVectorSql()}, to_tsquery('english', ${query})) AS rank FROM ${table}
    WHERE ${where} ORDER BY rank DESC, seq LIMIT ${Math.floor(limit)}`;
  return { sql, params };
}

/**
 * Builds one statement that runs each group's nearest-neighbour query (ORDER BY distance
 * LIMIT n) and tags rows with their group number.
 * Parameter $1 is the query vector.
 */
export function buildGroupsSql(
  table: string, scope: SearchScope, requests: readonly GroupRequest[],
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value) + 1}`;
  const { conditions: common, narrowed: filtered } = scopeConditions(scope, param);
  const parts = requests.map(({ group, limit }, g) => {
    const where = [...common];
    if ("label" in group) where.push(`label = ${param(group.label)}`);
    else if (group.exceptLabels.length > 0) where.push(`NOT (label = ANY(${param([...group.exceptLabels])}::text[]))`);
    const whereSql = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    // Filtered (or text-restricted) and single-label groups are ranked exactly: `+ 0` hides the ordering from the HNSW index,
    // so Postgres reads the matching rows through the btree indexes and sorts them. Graph walks with a
    // filter missed up to 30% of the true top 10 on the 40K catalog (docs/pgvector.md), and these slices
    // are small enough to scan. Unfiltered groups walk the HNSW graph.
    const exact = filtered || "label" in group;
    const order = exact ? "(embedding <=> $1::vector) + 0" : "embedding <=> $1::vector";
    return `(SELECT ${g} AS grp, seq, item, embedding <=> $1::vector AS distance FROM ${table} ${whereSql}
      ORDER BY ${order} LIMIT ${Math.floor(limit)})`;
  });
  return { sql: parts.join("\nUNION ALL\n"), params };
}

/** Splits the rows of a group statement back into pages, one per request. */
export function toGroupPages(
  rows: readonly { grp: number; seq: string | number; item: unknown; distance: number }[], groups: number,
): PgCandidate[][] {
  const pages: PgCandidate[][] = Array.from({ length: groups }, () => []);
  for (const row of rows) {
    pages[row.grp]?.push({ seq: Number(row.seq), item: toCatalogItem(row.item), cosine: 1 - row.distance });
  }
  return pages;
}

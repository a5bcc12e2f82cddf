import { promises as fs } from "node:fs";
import { indexPathFor } from "../../catalog/index-path";
import { readCatalog } from "../../catalog/store";
import { AppError } from "../../errors";
import { loadFlatIndex } from "../../index/index-file";
import type { StoreProblem } from "../types";
import { changeLogPaths, decodeVector, readChangeLog, type ChangeRecord, type LogCorruption } from "./change-log";
import { LiveRows } from "./live-rows";
import type { OrtScorerOptions } from "../../index/ort-scorer";
import { annDirFor, LabelAnnIndex } from "../../index/label-ann";
import type { GraphUse } from "./live-rows";

/** The command that repairs a corrupt change log (scripts/catalog-repair.ts). */
export const REPAIR_COMMAND = "npm run catalog:repair";

/** One loaded generation: its rows plus how far its change log has been applied. */
export type Loaded = {
  generation: string | null;
  generationDir: string;
  /** Content id of the generation's index (first 16 hex digits). */
  indexId: string;
  rows: LiveRows;
  /** Byte offset up to which the log is applied. */
  offset: number;
  /** Records applied so far (the next one read is number `records + 1`). */
  records: number;
  /** Set once compaction folded this generation into a newer one. */
  sealed: boolean;
  /** Set when the log holds a corrupt record: the rows are those before it, and writes are refused. */
  corruption?: LogCorruption & { seen: LogIdentity };
  /** Serialises log reads and writes of this process, so no record is applied out of order. */
  chain: Promise<unknown>;
  /** True while a write holds the chain: refreshes skip instead of queueing behind another process's lock. */
  writing: boolean;
};

/** What tells a replaced log file (a repair renames a new one in) from the one read. */
export type LogIdentity = { ino: number; size: number; mtimeMs: number };

/** Loads the served generation of `catalogDir` for a model and replays its change log. */
export async function loadGeneration(
  catalogDir: string,
  model: { id: string; dim: number },
  options: { accelerate?: OrtScorerOptions; graphs?: GraphUse } = {},
): Promise<Loaded> {
  const { items, generation, generationDir } = await readCatalog(catalogDir);
  const indexFile = indexPathFor(generationDir, model.id);
  const { index, header } = await loadFlatIndex(indexFile).catch((error: unknown) => {
    throw new AppError("not_ready", `No index of ${catalogDir} for model ${model.id}: run \`npm run catalog:build\``, { cause: error });
  });
  if (header.meta.modelId !== model.id || index.dim !== model.dim) {
    throw new AppError("not_ready", "The index was built with another model: run `npm run catalog:build`");
  }
  if (index.count !== items.length || items.some((item, row) => index.ids[row] !== item.id)) {
    throw new AppError("not_ready", "The index does not match the catalog's items: run `npm run catalog:build`");
  }
  const state: Loaded = {
    generation,
    generationDir,
    indexId: header.contentId.slice(0, 16),
    rows: new LiveRows(index.dim, items, index.vectors, options.accelerate),
    offset: 0,
    records: 0,
    sealed: false,
    chain: Promise.resolve(),
    writing: false,
  };
  const graphs = options.graphs ?? "flat";
  if (graphs !== "flat") {
    // The graphs load in the background (0.4–0.6 s for 40K rows, decision 0023): searches scan exactly until then.
    const load = LabelAnnIndex.load(annDirFor(indexFile, header.contentId), index, { contentId: header.contentId, labels: items.map((item) => item.label) });
    if (graphs === "hnsw") {
      const ann = await load;
      if (!ann) throw new AppError("not_ready", `SEARCH_INDEX=hnsw, but generation ${generation ?? "(legacy)"} has no search graphs for model ${model.id}: run \`npm run train\` or use SEARCH_INDEX=auto`);
      state.rows.useGraphs(ann);
    } else {
      void load.then(
        (ann) => ann && state.rows.useGraphs(ann),
        (error: unknown) => console.warn(`[catalog] searching exactly: the search graphs of ${indexFile} do not load:`, error),
      );
    }
  }
  await catchUp(state);
  return state;
}

/** Runs `work` after every earlier log read or write of this generation in this process. */
export function exclusive<T>(state: Loaded, work: () => Promise<T>): Promise<T> {
  const run = state.chain.then(work);
  state.chain = run.catch(() => {});
  return run;
}

/**
 * Applies the log records past `state.offset`; returns how many. A corrupt record
 * stops replay there and is remembered (and logged once). Call inside `exclusive`.
 */
export async function catchUp(state: Loaded): Promise<number> {
  const { log } = changeLogPaths(state.generationDir);
  const read = await readChangeLog(log, state.offset, state.records + 1);
  for (const record of read.records) applyRecord(state, record);
  state.offset = read.end;
  state.records += read.records.length;
  if (read.corruption && !state.corruption) {
    state.corruption = { ...read.corruption, seen: await identityOf(log) };
    console.error(`[catalog] ${describeCorruption(read.corruption)}`);
  }
  return read.records.length;
}

/** Whether the log file is still the one in which corruption was found (a repair replaces it). */
export async function isSameLog(state: Loaded): Promise<boolean> {
  if (!state.corruption) return true;
  const now = await identityOf(changeLogPaths(state.generationDir).log);
  const { seen } = state.corruption;
  return now.ino === seen.ino && now.size === seen.size && now.mtimeMs === seen.mtimeMs;
}

/** The corruption of a loaded generation as a health problem (none when its log is sound). */
export function problemsOf(state: Loaded): StoreProblem[] {
  const c = state.corruption;
  if (!c) return [];
  return [{ kind: "corrupt_change_log", message: describeCorruption(c), file: c.file, offset: c.offset, record: c.record, repair: REPAIR_COMMAND }];
}

/** The error a write answers while the log is corrupt. */
export function readOnlyError(corruption: LogCorruption): AppError {
  return new AppError("storage_unavailable", `${describeCorruption(corruption)} Writes are refused until it is repaired.`);
}

function describeCorruption(c: LogCorruption): string {
  return (
    `The change log ${c.file} is corrupt at byte ${c.offset} (record ${c.record}: ${c.reason}; ${c.bytesAfter} bytes from there on are not applied). ` +
    `The catalog is served read-only as it was before that record. Run \`${REPAIR_COMMAND}\` (it keeps a copy of the log).`
  );
}

async function identityOf(file: string): Promise<LogIdentity> {
  const stat = await fs.stat(file).catch(() => undefined);
  return { ino: stat?.ino ?? 0, size: stat?.size ?? 0, mtimeMs: stat?.mtimeMs ?? 0 };
}

/** Applies one logged record to the rows. */
export function applyRecord(state: Loaded, record: ChangeRecord): void {
  const { rows } = state;
  switch (record.op) {
    case "upsert":
      for (const entry of record.entries) rows.put(entry.item, decodeVector(entry.vector, rows.dim));
      return;
    case "update": {
      const row = rows.rowOf(record.item.id);
      if (row !== undefined) rows.replaceItem(row, record.item);
      return;
    }
    case "remove":
      for (const id of record.ids) rows.remove(id);
      return;
    case "sealed":
      state.sealed = true;
      return;
  }
}

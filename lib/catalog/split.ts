import { z } from "zod";
import { AppError } from "../errors";
import type { SplitName } from "./types";
import { createRng } from "../random";

/** An item to split: `group` (optional) keeps items together, e.g. byte-identical images. */
export type SplitInput = { id: string; label: string; group?: string };

const fractionsSchema = z
  .object({
    train: z.number().min(0).max(1),
    val: z.number().min(0).max(1),
    test: z.number().min(0).max(1),
  })
  .refine((f) => Math.abs(f.train + f.val + f.test - 1) < 1e-9, "split fractions must sum to 1");
export type SplitFractions = z.infer<typeof fractionsSchema>;

export const defaultFractions: SplitFractions = { train: 0.7, val: 0.15, test: 0.15 };

const splitOptionsSchema = z.object({
  seed: z.number().int(),
  fractions: fractionsSchema.default(defaultFractions),
  /** Labels with fewer items than this are `excluded` as a whole. */
  minPerLabel: z.number().int().nonnegative(),
});
export type SplitOptions = z.input<typeof splitOptionsSchema>;

export type LabelSplit = { label: string; count: number; train: number; val: number; test: number; kept: boolean };

export type SplitResult = {
  /** The split of every input id. */
  assignments: Map<string, SplitName>;
  /** One line per label, sorted by label. */
  labels: LabelSplit[];
};

/**
 * Splits items train/val/test per label (70/15/15 by default), deterministically: the
 * result depends only on the seed and the set of (id, label, group), not on input order.
 * Items sharing a `group` within a label land in the same split, so a duplicated image
 * cannot be trained on and tested with at once. Labels below `minPerLabel` are excluded.
 */
export function splitStratified(items: readonly SplitInput[], options: SplitOptions): SplitResult {
  const parsed = splitOptionsSchema.safeParse(options);
  if (!parsed.success) throw new AppError("bad_request", `Invalid split options: ${parsed.error.message}`);
  const { seed, fractions, minPerLabel } = parsed.data;

  const byLabel = new Map<string, SplitInput[]>();
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw new AppError("bad_request", `Duplicate id ${item.id} in split input`);
    seen.add(item.id);
    const list = byLabel.get(item.label) ?? [];
    list.push(item);
    byLabel.set(item.label, list);
  }

  const assignments = new Map<string, SplitName>();
  const labels: LabelSplit[] = [];
  for (const label of [...byLabel.keys()].sort(compareStrings)) {
    const members = byLabel.get(label) ?? [];
    const line: LabelSplit = { label, count: members.length, train: 0, val: 0, test: 0, kept: false };
    labels.push(line);
    if (members.length < minPerLabel) {
      for (const item of members) assignments.set(item.id, "excluded");
      continue;
    }
    line.kept = true;
    const nVal = Math.round(members.length * fractions.val);
    const nTest = Math.round(members.length * fractions.test);
    const nTrain = members.length - nVal - nTest;
    const groups = shuffle(groupMembers(members), createRng(seed ^ hashString(label)));
    let position = 0;
    for (const group of groups) {
      // A group goes where its first member falls, so cuts move by less than a group.
      const split: SplitName = position < nTrain ? "train" : position < nTrain + nVal ? "val" : "test";
      for (const id of group) assignments.set(id, split);
      line[split] += group.length;
      position += group.length;
    }
  }
  return { assignments, labels };
}

/** Groups of ids, each sorted, the groups ordered by their first id: a canonical order. */
function groupMembers(members: readonly SplitInput[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const item of members) {
    const key = item.group ?? `\u0000${item.id}`;
    const group = groups.get(key) ?? [];
    group.push(item.id);
    groups.set(key, group);
  }
  const list = [...groups.values()].map((ids) => ids.sort(compareStrings));
  return list.sort((a, b) => compareStrings(a[0] ?? "", b[0] ?? ""));
}

/** Fisher-Yates, in place. */
function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = list[i] as T;
    list[i] = list[j] as T;
    list[j] = tmp;
  }
  return list;
}

/** FNV-1a, so each label gets its own stream and adding a label never reshuffles another. */
function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Code-unit order: the same everywhere, unlike localeCompare. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

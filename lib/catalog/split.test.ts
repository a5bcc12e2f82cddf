import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { createRng } from "../random";
import { splitStratified, type SplitInput } from "./split";

function makeItems(counts: Record<string, number>): SplitInput[] {
  const items: SplitInput[] = [];
  let next = 1;
  for (const [label, count] of Object.entries(counts)) {
    for (let i = 0; i < count; i++) items.push({ id: String(next++), label });
  }
  return items;
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = createRng(seed);
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const counts = { Tshirts: 1000, Shirts: 400, Watches: 101, Jeans: 100, Ties: 99, Shoe: 3 };

describe("splitStratified", () => {
  const items = makeItems(counts);

  it("is deterministic and independent of input order", () => {
    const a = splitStratified(items, { seed: 42, minPerLabel: 100 });
    const b = splitStratified(shuffled(items, 7), { seed: 42, minPerLabel: 100 });
    const c = splitStratified([...items].reverse(), { seed: 42, minPerLabel: 100 });
    expect([...b.assignments].sort()).toEqual([...a.assignments].sort());
    expect([...c.assignments].sort()).toEqual([...a.assignments].sort());
    expect(b.labels).toEqual(a.labels);
  });

  it("changes with the seed", () => {
    const a = splitStratified(items, { seed: 42, minPerLabel: 100 });
    const b = splitStratified(items, { seed: 43, minPerLabel: 100 });
    const differ = items.filter((item) => a.assignments.get(item.id) !== b.assignments.get(item.id));
    expect(differ.length).toBeGreaterThan(items.length / 4);
  });

  it("splits every kept label 70/15/15 and excludes labels under the threshold", () => {
    const { assignments, labels } = splitStratified(items, { seed: 1, minPerLabel: 100 });
    expect(assignments.size).toBe(items.length);
    const tally = (label: string) => {
      const t = { train: 0, val: 0, test: 0, excluded: 0 };
      for (const item of items) if (item.label === label) t[assignments.get(item.id) ?? "excluded"]++;
      return t;
    };
    expect(tally("Tshirts")).toEqual({ train: 700, val: 150, test: 150, excluded: 0 });
    expect(tally("Shirts")).toEqual({ train: 280, val: 60, test: 60, excluded: 0 });
    expect(tally("Jeans")).toEqual({ train: 70, val: 15, test: 15, excluded: 0 });
    expect(tally("Watches")).toEqual({ train: 71, val: 15, test: 15, excluded: 0 });
    expect(tally("Ties")).toEqual({ train: 0, val: 0, test: 0, excluded: 99 });
    expect(tally("Shoe")).toEqual({ train: 0, val: 0, test: 0, excluded: 3 });
    expect(labels.map((l) => [l.label, l.kept])).toEqual([
      ["Jeans", true],
      ["Shirts", true],
      ["Shoe", false],
      ["Ties", false],
      ["Tshirts", true],
      ["Watches", true],
    ]);
    expect(labels.find((l) => l.label === "Shirts")).toMatchObject({ count: 400, train: 280, val: 60, test: 60 });
  });

  it("does not reshuffle one label when another label is added or removed", () => {
    const base = splitStratified(items, { seed: 5, minPerLabel: 100 });
    const fewer = splitStratified(items.filter((item) => item.label !== "Shirts"), { seed: 5, minPerLabel: 100 });
    for (const item of items) {
      if (item.label !== "Shirts") expect(fewer.assignments.get(item.id)).toBe(base.assignments.get(item.id));
    }
  });

  it("keeps a group in one split", () => {
    const grouped = makeItems({ Tshirts: 300 }).map((item, i) => ({ ...item, group: i < 40 ? `g${i % 10}` : undefined }));
    const { assignments, labels } = splitStratified(grouped, { seed: 3, minPerLabel: 10 });
    for (let g = 0; g < 10; g++) {
      const splits = new Set(grouped.filter((item) => item.group === `g${g}`).map((item) => assignments.get(item.id)));
      expect(splits.size).toBe(1);
    }
    const line = labels[0];
    expect(line?.train! + line?.val! + line?.test!).toBe(300);
    // Groups of four move each cut by at most three items.
    expect(Math.abs((line?.test ?? 0) - 45)).toBeLessThanOrEqual(3);
  });

  it("takes custom fractions and refuses bad ones or duplicate ids", () => {
    const { labels } = splitStratified(makeItems({ A: 100 }), { seed: 1, minPerLabel: 0, fractions: { train: 0.8, val: 0.1, test: 0.1 } });
    expect(labels[0]).toMatchObject({ train: 80, val: 10, test: 10 });
    expect(() => splitStratified(items, { seed: 1, minPerLabel: 0, fractions: { train: 0.8, val: 0.3, test: 0.1 } })).toThrow(AppError);
    expect(() => splitStratified([{ id: "1", label: "A" }, { id: "1", label: "B" }], { seed: 1, minPerLabel: 0 })).toThrow(/Duplicate id 1/);
  });
});

describe("createRng", () => {
  it("repeats for a seed and stays in [0, 1)", () => {
    const a = createRng(42);
    const b = createRng(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });
});

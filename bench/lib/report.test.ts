import { describe, expect, it } from "vitest";
import { formatNumber, formatTarget, renderPerformanceMarkdown } from "./report";
import { makeFigure, makeTarget, type BenchResult } from "./result";

const result: BenchResult = {
  name: "scale",
  title: "Scale",
  command: "npm run bench -- --only scale",
  date: "2026-01-01T00:00:00.000Z",
  quick: false,
  seconds: 12,
  conditions: {
    machine: "CPU", cores: 2, memoryGiB: 24, node: "v20", loadBefore: [1, 2, 3], loadAfter: [4, 5, 6],
    details: { catalog: "1000000 items", dim: 256 },
  },
  figures: [makeFigure("1M: HNSW p50", "ms", 0.5, 50, "FAISS flat")],
  targets: [
    makeTarget("recall ≥ 0.95", "recall@10", ">=", 0.95, 0.97),
    makeTarget("≥ 50× FAISS", "FAISS / HNSW", ">=", 50, 12),
    makeTarget("anchor", "x", ">=", 1, null),
  ],
  triedDidNotPay: ["int8: 1.1× only"],
  notes: ["a note"],
};

describe("performance.md", () => {
  it("formats numbers and verdicts", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(1234.56)).toBe("1235");
    expect(formatNumber(750)).toBe("750");
    expect(formatNumber(0.012345)).toBe("0.0123");
    expect(formatTarget(result.targets[0]!)).toBe("**met** (recall@10 = 0.970, target >= 0.95)");
    expect(formatTarget(result.targets[1]!)).toMatch(/^\*\*not met\*\* \(FAISS \/ HNSW = 12, target >= 50\)$/);
    expect(formatTarget(result.targets[2]!)).toMatch(/^not measured/);
  });

  it("lists every target, figure with anchor and ratio, conditions, command and tried lines", () => {
    const md = renderPerformanceMarkdown([result], { soak: { rss: { startMiB: 100, endMiB: 120 }, errors: 0, requests: 5000, other: "x" } });
    expect(md).toContain("| scale | recall ≥ 0.95 | **met**");
    expect(md).toContain("| 1M: HNSW p50 | 0.500 ms | 50 (FAISS flat) | 0.0100× |");
    expect(md).toContain("Command: `npm run bench -- --only scale`");
    expect(md).toContain("2 cores, 24 GiB");
    expect(md).toContain("- catalog: 1000000 items");
    expect(md).toContain("- Tried and did not pay: int8: 1.1× only");
    expect(md).toContain("| rss.startMiB | 100 |");
    expect(md).toContain("| requests | 5000 |");
    expect(md).not.toContain("| other |");
  });

  it("adds each benchmark's reading notes under its section", () => {
    const md = renderPerformanceMarkdown([result], { caveats: { scale: ["synthetic data"], embed: ["not shown"] } });
    expect(md).toContain("- Reading this: synthetic data");
    expect(md).not.toContain("not shown");
  });

  it("says when there is no soak result", () => {
    expect(renderPerformanceMarkdown([])).toContain("No `bench/results/soak.json` yet.");
  });
});

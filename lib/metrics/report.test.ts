import { describe, expect, it } from "vitest";
import { renderEvalMarkdown, renderEvalSvg, type EvalResult } from "./report";

// The same three labels (one with markup characters) in both variants, P@5 per label given in that order.
const labels = [
  { label: "Tshirts", queries: 20 },
  { label: "Bags & <Clutches>", queries: 6 },
  { label: "Free | Gifts", queries: 4 },
];
const perLabel = (pAt5: readonly number[]) => labels.map((l, i) => ({ ...l, pAt5: pAt5[i]! }));

const result: EvalResult = {
  title: "Retrieval eval — test split",
  facts: { split: "test", catalog: 44072 },
  variants: [
    {
      name: "ImageNet frozen",
      overall: { queries: 30, pAt1: 0.8, pAt5: 0.7, pAt10: 0.65, mrr: 0.85, mapAt10: 0.75 },
      perLabel: perLabel([0.9, 0.4, 0.1]),
      latency: { count: 30, p50: 12.345, p95: 20, mean: 13, max: 25 },
      details: { model: "resnet50", dim: 2048 },
    },
    {
      name: "trained",
      overall: { queries: 30, pAt1: 0.9, pAt5: 0.85, pAt10: 0.8, mrr: 0.92, mapAt10: 0.88 },
      perLabel: perLabel([0.95, 0.7, 0.3]),
      latency: { count: 30, p50: 1.5, p95: 2.25, mean: 1.6, max: 3 },
    },
  ],
};

/** Minimal well-formedness check: one root, balanced tags, quoted attributes, only known entities. */
function checkWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let roots = 0;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const between = xml.slice(last, m.index);
    expect(between).not.toMatch(/[<>]/);
    expect(between.replace(/&(amp|lt|gt|quot|apos);/g, "")).not.toMatch(/&/);
    last = tag.lastIndex;
    const [, close, name, , selfClose] = m;
    if (close === "/") expect(stack.pop()).toBe(name);
    else if (selfClose !== "/") {
      if (stack.length === 0) roots++;
      stack.push(name ?? "");
    }
  }
  expect(xml.slice(last).trim()).toBe("");
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

describe("renderEvalSvg", () => {
  it("is well-formed XML with every label, variant and metric", () => {
    const svg = renderEvalSvg(result);
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    checkWellFormedXml(svg);
    for (const label of ["Tshirts", "Bags &amp; &lt;Clutches&gt;", "Free | Gifts"]) expect(svg).toContain(label);
    for (const name of ["ImageNet frozen", "trained", "P@1", "P@5", "P@10", "MRR", "mAP@10"]) expect(svg).toContain(name);
    // Sorted ascending by the baseline.
    expect(svg.indexOf("Free | Gifts (4)")).toBeLessThan(svg.indexOf("Bags &amp;"));
    expect(svg.indexOf("Bags &amp;")).toBeLessThan(svg.indexOf("Tshirts (20)"));
  });

  it("renders one variant and labels missing from the baseline", () => {
    const single = renderEvalSvg({ title: "one", variants: [result.variants[0] as EvalResult["variants"][0]] });
    checkWellFormedXml(single);
    const extra = renderEvalSvg({
      title: "extra",
      variants: [
        result.variants[0] as EvalResult["variants"][0],
        { ...(result.variants[1] as EvalResult["variants"][0]), perLabel: [{ label: "Watches", queries: 3, pAt5: 1 }] },
      ],
    });
    checkWellFormedXml(extra);
    expect(extra).toContain("Watches (3)");
  });
});

describe("renderEvalMarkdown", () => {
  it("tabulates overall metrics, latency and per-label P@5 with a delta", () => {
    const md = renderEvalMarkdown(result);
    expect(md).toContain("# Retrieval eval — test split");
    expect(md).toContain("- **catalog**: 44072");
    expect(md).toContain("| ImageNet frozen | 30 | 0.800 | 0.700 | 0.650 | 0.850 | 0.750 | 12.3 | 20.0 |");
    expect(md).toContain("| trained | 30 | 0.900 | 0.850 | 0.800 | 0.920 | 0.880 | 1.50 | 2.25 |");
    expect(md).toContain("- **ImageNet frozen**: model: resnet50, dim: 2048");
    expect(md).toContain("| Free \\| Gifts | 4 | 0.100 | 0.300 | +0.200 |");
    const rows = md.split("\n").filter((l) => /^\| (Tshirts|Bags|Free)/.test(l));
    expect(rows.map((l) => l.split(" | ")[0])).toEqual(["| Free \\| Gifts", "| Bags & <Clutches>", "| Tshirts"]);
  });
});

describe("attribute-faithful metrics and sections", () => {
  it("renders each relevance's overall P@5 / mAP@10, its per-label table, and a further protocol after the first", () => {
    const judged = {
      ...result.variants[1]!,
      byRelevance: [
        { key: "type+colour", description: "same type and colour", overall: { ...result.variants[1]!.overall, pAt5: 0.25, mapAt10: 0.5 }, perLabel: perLabel([0.2, 0.3, 0.1]) },
      ],
    };
    const scene: EvalResult = { title: "In the scene", groupedBy: "scene kind", variants: [judged] };
    const md = renderEvalMarkdown({ ...result, variants: [judged], sections: [scene] });
    expect(md).toContain("| trained | 0.250 | 0.500 |");
    expect(md).toContain("## P@5 per label, relevance type+colour");
    expect(md.indexOf("# In the scene")).toBeGreaterThan(md.indexOf("## P@5 per label, relevance type+colour"));
    expect(md).toContain("## P@5 per scene kind (ascending by trained)");
    const svg = renderEvalSvg({ ...result, variants: [judged], sections: [scene] });
    expect(svg).toContain("P@5 by relevance");
    expect(svg).toContain("In the scene");
  });
});

import type { RelevanceMetrics } from "./attribute-relevance";
import type { LabelMetrics, LatencySummary, RetrievalMetrics } from "./retrieval";

/** One model/index configuration evaluated under the protocol, e.g. "ImageNet frozen" or "trained". */
export type EvalVariant = {
  name: string;
  overall: RetrievalMetrics;
  perLabel: readonly LabelMetrics[];
  /** Search latency per query in milliseconds, if measured. */
  latency?: LatencySummary;
  /** Facts shown with the variant: model id, embedding dim, index kind... */
  details?: Readonly<Record<string, string | number>>;
  /** The same ranked lists judged by other relevances (same type and colour...), when evaluated. */
  byRelevance?: readonly RelevanceMetrics[];
};

/** What an eval script fills and the renderers turn into docs. */
export type EvalResult = {
  title: string;
  /** Facts about the run: split, catalog size, date, command... */
  facts?: Readonly<Record<string, string | number>>;
  /** Two or more variants are drawn side by side; the first is the baseline. */
  variants: readonly EvalVariant[];
  /** What the per-label tables group queries by ("label" unless said). */
  groupedBy?: string;
  /** Further protocols over the same models (the in-the-scene one), rendered after this one. */
  sections?: readonly EvalResult[];
};

type OverallKey = Exclude<keyof RetrievalMetrics, "queries">;
const overallColumns: readonly { key: OverallKey; title: string }[] = [
  { key: "pAt1", title: "P@1" },
  { key: "pAt5", title: "P@5" },
  { key: "pAt10", title: "P@10" },
  { key: "mrr", title: "MRR" },
  { key: "mapAt10", title: "mAP@10" },
];
const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"];

type LabelRow = { label: string; queries: number; values: (number | undefined)[] };

/**
 * Markdown report: facts, overall metrics with latency, the attribute-faithful
 * metrics, per-label P@5 sorted ascending by the baseline (per relevance), then each
 * further protocol the same way.
 */
export function renderEvalMarkdown(result: EvalResult): string {
  return [renderProtocolMarkdown(result), ...(result.sections ?? []).map(renderProtocolMarkdown)].join("\n");
}

function renderProtocolMarkdown(result: EvalResult): string {
  const lines: string[] = [`# ${result.title}`, ""];
  for (const [key, value] of Object.entries(result.facts ?? {})) lines.push(`- **${key}**: ${value}`);
  if (result.facts !== undefined) lines.push("");

  lines.push("## Overall", "");
  lines.push(`| Variant | Queries | ${overallColumns.map((c) => c.title).join(" | ")} | p50 ms | p95 ms |`);
  lines.push(`|---|---:|${overallColumns.map(() => "---:").join("|")}|---:|---:|`);
  for (const v of result.variants) {
    const metrics = overallColumns.map((c) => formatMetric(v.overall[c.key]));
    const latency = v.latency === undefined ? ["–", "–"] : [formatMs(v.latency.p50), formatMs(v.latency.p95)];
    lines.push(`| ${escapeCell(v.name)} | ${v.overall.queries} | ${metrics.join(" | ")} | ${latency.join(" | ")} |`);
  }
  lines.push("");

  const withDetails = result.variants.filter((v) => v.details !== undefined);
  for (const v of withDetails) {
    const facts = Object.entries(v.details ?? {}).map(([key, value]) => `${key}: ${value}`);
    lines.push(`- **${v.name}**: ${facts.join(", ")}`);
  }
  if (withDetails.length > 0) lines.push("");

  const relevances = collectRelevances(result.variants);
  if (relevances.length > 0) {
    lines.push("## Attribute-faithful metrics (P@5 / mAP@10)", "");
    for (const r of relevances) lines.push(`- **${r.key}**: ${r.description}`);
    lines.push("");
    lines.push(`| Variant | ${relevances.map((r) => `${escapeCell(r.key)} P@5 | mAP@10`).join(" | ")} |`);
    lines.push(`|---|${relevances.map(() => "---:|---:").join("|")}|`);
    for (const v of result.variants) {
      const cells = relevances.map((r) => {
        const m = v.byRelevance?.find((x) => x.key === r.key)?.overall;
        return m === undefined ? "– | –" : `${formatMetric(m.pAt5)} | ${formatMetric(m.mapAt10)}`;
      });
      lines.push(`| ${escapeCell(v.name)} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  }

  const groupedBy = result.groupedBy ?? "label";
  pushLabelTable(lines, `P@5 per ${groupedBy}`, result.variants);
  for (const r of relevances.filter((x) => perLabelRelevances.includes(x.key))) {
    const judged = result.variants.map((v) => ({ ...v, perLabel: v.byRelevance?.find((x) => x.key === r.key)?.perLabel ?? [] }));
    pushLabelTable(lines, `P@5 per ${groupedBy}, relevance ${r.key}`, judged);
  }
  return lines.join("\n");
}

/** The relevances whose per-label P@5 gets a table of its own (the others are reported overall). */
const perLabelRelevances = ["type+colour", "type+gender", "colour"];

function pushLabelTable(lines: string[], title: string, variants: readonly EvalVariant[]): void {
  const rows = collectLabelRows(variants);
  const first = variants[0];
  const last = variants[variants.length - 1];
  const delta = variants.length >= 2 && first !== undefined && last !== undefined;
  lines.push(`## ${title} (ascending by ${first?.name ?? "baseline"})`, "");
  const head = variants.map((v) => escapeCell(v.name));
  lines.push(`| Label | Queries | ${head.join(" | ")}${delta ? ` | Δ (${escapeCell(last.name)} − ${escapeCell(first.name)})` : ""} |`);
  lines.push(`|---|---:|${variants.map(() => "---:").join("|")}${delta ? "|---:" : ""}|`);
  for (const row of rows) {
    const cells = row.values.map((x) => (x === undefined ? "–" : formatMetric(x)));
    const a = row.values[0];
    const b = row.values[row.values.length - 1];
    const d = a === undefined || b === undefined ? "–" : formatSigned(b - a);
    lines.push(`| ${escapeCell(row.label)} | ${row.queries} | ${cells.join(" | ")}${delta ? ` | ${d}` : ""} |`);
  }
  lines.push("");
}

/** The relevances any variant was judged by, in first-seen order. */
function collectRelevances(variants: readonly EvalVariant[]): { key: string; description: string }[] {
  const seen = new Map<string, string>();
  for (const v of variants) for (const r of v.byRelevance ?? []) if (!seen.has(r.key)) seen.set(r.key, r.description);
  return [...seen.entries()].map(([key, description]) => ({ key, description }));
}

/**
 * A self-contained SVG: per protocol (this one, then each section), overall metrics
 * as grouped bars, the attribute-faithful P@5 as grouped bars when evaluated, then
 * P@5 per label as horizontal bars sorted ascending by the baseline, one bar per variant.
 */
export function renderEvalSvg(result: EvalResult): string {
  const protocols = [result, ...(result.sections ?? [])];
  const allRows = protocols.flatMap((p) => collectLabelRows(p.variants));
  const labelWidth = Math.min(320, 16 + 7 * Math.max(12, ...allRows.map((r) => `${r.label} (${r.queries})`.length)));
  const width = Math.max(760, labelWidth + 480);
  const out: string[] = [];
  let y = svgPad;
  for (const protocol of protocols) y = drawProtocol(out, protocol, y, width, labelWidth);
  y += svgPad;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.ceil(y)}" viewBox="0 0 ${width} ${Math.ceil(y)}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}

const svgPad = 24;

/** Draws one protocol from `y` down; returns the y below it. */
function drawProtocol(out: string[], result: EvalResult, top: number, width: number, labelWidth: number): number {
  const variants = result.variants;
  const pad = svgPad;
  let y = top;
  out.push(text(pad, y + 14, result.title, { size: 18, weight: "bold" }));
  y += 34;
  let lx = pad;
  variants.forEach((v, i) => {
    out.push(`<rect x="${lx}" y="${y}" width="12" height="12" fill="${color(i)}"/>`);
    out.push(text(lx + 18, y + 10, v.name, { size: 12 }));
    lx += 36 + 7 * v.name.length;
  });
  y += 32;

  y = drawGroupedBars(out, "Overall", overallColumns.map((c) => ({ title: c.title, values: variants.map((v) => v.overall[c.key]) })), variants, y, width);
  const relevances = collectRelevances(variants);
  if (relevances.length > 0) {
    const groups = relevances.map((r) => ({
      title: r.key,
      values: variants.map((v) => v.byRelevance?.find((x) => x.key === r.key)?.overall.pAt5 ?? Number.NaN),
    }));
    y = drawGroupedBars(out, "P@5 by relevance", groups, variants, y, width);
  }

  // Per-label P@5, horizontal bars.
  const rows = collectLabelRows(variants);
  const nv = Math.max(1, variants.length);
  out.push(text(pad, y, `P@5 per ${result.groupedBy ?? "label"} (ascending by ${variants[0]?.name ?? "baseline"})`, { size: 14, weight: "bold" }));
  y += 16;
  const barH = 9;
  const rowH = nv * barH + 8;
  const x0 = pad + labelWidth;
  const barMax = width - x0 - pad - 44;
  for (let t = 0; t <= 5; t++) {
    const gx = x0 + (t / 5) * barMax;
    out.push(`<line x1="${gx}" y1="${y}" x2="${gx}" y2="${y + rows.length * rowH}" stroke="#eee"/>`);
    out.push(text(gx, y + rows.length * rowH + 14, (t / 5).toFixed(1), { size: 10, anchor: "middle", fill: "#666" }));
  }
  for (const row of rows) {
    out.push(text(x0 - 8, y + rowH / 2 + 3, `${row.label} (${row.queries})`, { size: 11, anchor: "end" }));
    row.values.forEach((value, i) => {
      if (value === undefined) return;
      const by = y + 4 + i * barH;
      const w = clamp01(value) * barMax;
      out.push(bar(x0, by, w, barH - 1, color(i), `${variants[i]?.name ?? ""} ${row.label} P@5 ${formatMetric(value)}`));
      out.push(text(x0 + w + 4, by + barH - 2, formatMetric(value), { size: 8, fill: "#444" }));
    });
    y += rowH;
  }
  return y + 24 + pad;
}

/** Grouped vertical bars on a 0..1 scale, one group per entry and one bar per variant; returns the y below. */
function drawGroupedBars(
  out: string[],
  title: string,
  groups: readonly { title: string; values: readonly number[] }[],
  variants: readonly EvalVariant[],
  top: number,
  width: number,
): number {
  const pad = svgPad;
  const nv = Math.max(1, variants.length);
  out.push(text(pad, top, title, { size: 14, weight: "bold" }));
  const chartH = 200;
  const axisX = pad + 32;
  const chartW = width - axisX - pad;
  const y0 = top + 28;
  for (let t = 0; t <= 5; t++) {
    const gy = y0 + chartH - (t / 5) * chartH;
    out.push(`<line x1="${axisX}" y1="${gy}" x2="${axisX + chartW}" y2="${gy}" stroke="#ddd"/>`);
    out.push(text(axisX - 6, gy + 4, (t / 5).toFixed(1), { size: 10, anchor: "end", fill: "#666" }));
  }
  const groupW = chartW / Math.max(1, groups.length);
  const barW = Math.min(48, (groupW * 0.8) / nv);
  groups.forEach((g, gi) => {
    const gx = axisX + gi * groupW + (groupW - barW * nv) / 2;
    variants.forEach((v, i) => {
      const value = g.values[i] ?? Number.NaN;
      if (!Number.isFinite(value)) return;
      const h = clamp01(value) * chartH;
      const bx = gx + i * barW;
      out.push(bar(bx, y0 + chartH - h, barW - 2, h, color(i), `${v.name} ${g.title} ${formatMetric(value)}`));
      out.push(text(bx + (barW - 2) / 2, y0 + chartH - h - 3, formatMetric(value), { size: 9, anchor: "middle" }));
    });
    out.push(text(axisX + gi * groupW + groupW / 2, y0 + chartH + 16, g.title, { size: 12, anchor: "middle" }));
  });
  return y0 + chartH + 48;
}

/** Union of labels over variants, sorted ascending by the baseline's P@5 (missing last), then by label. */
function collectLabelRows(variants: readonly EvalVariant[]): LabelRow[] {
  const rows = new Map<string, LabelRow>();
  variants.forEach((v, i) => {
    for (const m of v.perLabel) {
      const row = rows.get(m.label) ?? { label: m.label, queries: m.queries, values: variants.map(() => undefined) };
      row.values[i] = m.pAt5;
      rows.set(m.label, row);
    }
  });
  const key = (r: LabelRow) => r.values[0] ?? Number.POSITIVE_INFINITY;
  return [...rows.values()].sort((a, b) => key(a) - key(b) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

function text(
  x: number, y: number, content: string,
  style: { size: number; weight?: string; anchor?: "start" | "middle" | "end"; fill?: string },
): string {
  const attrs = [`x="${round(x)}"`, `y="${round(y)}"`, `font-size="${style.size}"`];
  if (style.weight !== undefined) attrs.push(`font-weight="${style.weight}"`);
  if (style.anchor !== undefined && style.anchor !== "start") attrs.push(`text-anchor="${style.anchor}"`);
  attrs.push(`fill="${style.fill ?? "#222"}"`);
  return `<text ${attrs.join(" ")}>${escapeXml(content)}</text>`;
}

function bar(x: number, y: number, w: number, h: number, fill: string, title: string): string {
  const dims = `x="${round(x)}" y="${round(y)}" width="${round(Math.max(0, w))}" height="${round(Math.max(0, h))}"`;
  return `<rect ${dims} fill="${fill}"><title>${escapeXml(title)}</title></rect>`;
}

function color(i: number): string {
  return palette[i % palette.length] as string;
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function formatMetric(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : "–";
}

function formatSigned(x: number): string {
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
}

function formatMs(x: number): string {
  return Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : "–";
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

import path from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../fs/atomic";
import { rankSuspects, type Suspect } from "../live/mislabel-suspects";
import { loadSuspectInput, runSuspectProtocol, type SuspectProtocolReport, type SuspectRecall } from "./evaluate-suspects";
import type { ItemFeatureOptions } from "./item-features";

/** What `npm run eval -- --suspects` writes: the flipped-label protocol and the real catalog's first suspects. */
export type SuspectsReport = SuspectProtocolReport & {
  createdAt: string;
  seconds: Record<string, number>;
  /** The unflipped catalog's first suspects under the chosen rule (real label noise or model errors). */
  topReal: Suspect[];
};

const row = (r: SuspectRecall) =>
  `| ${r.scoring} | ${r.k} | ${r.found}/${r.flips} | ${(r.recall * 100).toFixed(1)}% | ${(r.suggestedTrue * 100).toFixed(1)}% | ${r.others} |`;
const header = "| scoring | k | flips found | recall | suggested = true label | other suspects in the top |\n|---|---|---|---|---|---|";

/** The report as Markdown: the choice on validation, the result on test, the real catalog's first suspects. */
export function renderSuspectsMarkdown(report: SuspectsReport): string {
  const lines = [
    "# Mislabel suspects (flipped-label protocol)",
    "",
    `Catalog: ${report.catalog.items} items, ${report.catalog.labels} classifier labels${report.catalog.classifier ? "" : " (no classifier: neighbour vote only)"}. ${report.protocol}.`,
    "",
    `Seconds: ${Object.entries(report.seconds).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}.`,
    "",
    "## Choice (validation flips, seed 1)",
    "",
    header,
    ...report.choice.map(row),
    "",
    `Chosen: ${report.chosen.scoring}, k ${report.chosen.k}.`,
    "",
    "## Test flips (seed 2), every scoring at the chosen k",
    "",
    header,
    ...report.test.map(row),
    "",
    "## The chosen rule on test flips, seeds 2–6",
    "",
    header,
    ...report.seeds.map(row),
    "",
    "## The real catalog's first 20 suspects (no flips)",
    "",
    "| id | label | suggested | score | P(own) | P(suggested) | votes own / suggested of k |",
    "|---|---|---|---|---|---|---|",
    ...report.topReal.map(
      (s) =>
        `| ${s.id} | ${s.label} | ${s.suggested} | ${s.score.toFixed(3)} | ${s.classifier?.own.toFixed(3) ?? "–"} | ${s.classifier?.suggested.toFixed(3) ?? "–"} | ${s.votes.own} / ${s.votes.suggested} of ${s.votes.k} |`,
    ),
    "",
  ];
  return lines.join("\n");
}

/** Writes `<out>/suspects.json` and `<out>/suspects.md` atomically. */
export async function writeSuspectsReport(out: string, report: SuspectsReport): Promise<void> {
  await writeJsonAtomic(path.join(out, "suspects.json"), report);
  await writeFileAtomic(path.join(out, "suspects.md"), renderSuspectsMarkdown(report));
}

/** `npm run eval -- --suspects`: the flipped-label protocol on a built catalog, plus its real first suspects. */
export async function evaluateSuspects(options: ItemFeatureOptions, flips: number, top: number): Promise<SuspectsReport> {
  const { input, seconds } = await loadSuspectInput(options);
  const t0 = performance.now();
  const c0 = process.cpuUsage().user;
  const protocol = runSuspectProtocol(input, flips, top);
  const protocolSeconds = (performance.now() - t0) / 1000;
  const protocolCpu = (process.cpuUsage().user - c0) / 1e6;
  const t1 = performance.now();
  const topReal = rankSuspects(input, { ...protocol.chosen, temperature: input.temperature }).slice(0, 20);
  const rank = (performance.now() - t1) / 1000;
  return { ...protocol, createdAt: new Date().toISOString(), seconds: { ...seconds, protocol: protocolSeconds, protocolCpu, rank }, topReal };
}

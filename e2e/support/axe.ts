import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/** axe-core's browser build, from node_modules (never a CDN). */
const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export type AxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

/** The impacts that fail the run; moderate and minor ones are reported but tolerated. */
const failing = new Set(["serious", "critical"]);

/**
 * A third-party widget's known violations: inside `selector`, these rules are reported apart
 * (see `findKnownViolations`) instead of failing; every other rule, and the rest of the page,
 * still fails. Each entry must be written down in a decision with why it is not fixed here.
 */
export type KnownThirdParty = { selector: string; rules: readonly string[] };

const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/**
 * Runs axe-core on the page as it is (WCAG 2.x A and AA rules plus best practices) and
 * returns its serious and critical violations. The page's context needs `bypassCSP`: the
 * injected script carries no nonce, and a page's own CSP would refuse it.
 */
export async function findSeriousViolations(page: Page, known?: KnownThirdParty): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axeScript });
  const all = await runAxe(page, { exclude: known ? [[known.selector]] : [] }, {});
  const widget = known ? await runAxe(page, { include: [[known.selector]] }, Object.fromEntries(known.rules.map((id) => [id, { enabled: false }]))) : [];
  return [...all, ...widget].filter((v) => failing.has(v.impact ?? ""));
}

/** The serious and critical violations of the known rules inside the widget: printed, not failed. */
export async function findKnownViolations(page: Page, known: KnownThirdParty): Promise<AxeViolation[]> {
  const found = await runAxe(page, { include: [[known.selector]] }, {});
  return found.filter((v) => known.rules.includes(v.id) && failing.has(v.impact ?? ""));
}

async function runAxe(page: Page, context: object, rules: Record<string, { enabled: boolean }>): Promise<AxeViolation[]> {
  return page.evaluate(
    async ({ context, rules, tags }) => {
      type RawViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };
      const axe = (window as unknown as { axe: { run: (context: object, options: object) => Promise<{ violations: RawViolation[] }> } }).axe;
      const result = await axe.run(context, { runOnly: { type: "tag", values: tags }, rules });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(" ")) }));
    },
    { context, rules, tags },
  );
}

/** One line per violation, with up to three of the elements it names. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.slice(0, 3).join(", ")}${v.targets.length > 3 ? ` (+${v.targets.length - 3})` : ""}`)
    .join("\n");
}

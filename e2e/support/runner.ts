import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";

export type TestContext = {
  browser: Browser;
  baseUrl: string;
  /** A page in a fresh browser context (no cookies, no storage), closed after the test. */
  page: Page;
};

type TestCase = { name: string; run: (context: TestContext) => Promise<void> };

const registered: TestCase[] = [];

/** Registers an e2e test; tests run in order, each in its own browser context. */
export function test(name: string, run: TestCase["run"]): void {
  registered.push({ name, run });
}

/**
 * Runs the registered tests one after the other and prints one line per test
 * and, last, "N passed, N failed". A failing test leaves a screenshot in
 * test-results/.
 */
export async function runTests(browser: Browser, baseUrl: string, timeoutMs = 60_000): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (const { name, run } of registered) {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const started = Date.now();
    try {
      await withTimeout(run({ browser, baseUrl, page }), timeoutMs);
      passed += 1;
      console.log(`✓ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`✗ ${name}\n  ${String((error as Error).stack ?? error).split("\n").slice(0, 6).join("\n  ")}`);
      await saveFailureScreenshot(page, name);
    } finally {
      await context.close();
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return { passed, failed };
}

async function saveFailureScreenshot(page: Page, name: string): Promise<void> {
  const dir = path.resolve("test-results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`);
  await page.screenshot({ path: file, fullPage: true }).then(
    () => console.log(`  screenshot: ${file}`),
    () => {},
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}


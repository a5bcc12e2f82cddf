/**
 * Phone first and the rest of Explore (issue 15, parts 4 and 5): the first result above the
 * fold at 390×844 with the filters in a sheet, searching as soon as a photo is picked, the
 * camera field, copy-link, large photos shrunk in the browser, the page and the API ranking
 * the same pixels, and a category page's filters and paging.
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import sharp from "sharp";
import { HomePage } from "./pages/home-page";
import { ResultsPage } from "./pages/results-page";
import { fetchPhoto, readCatalogItems, withUniquePhoto, type E2eItem } from "./support/catalog";
import { test } from "./support/runner";

const allItems = await readCatalogItems();
const items = withUniquePhoto(allItems);
const query = items[Math.floor(items.length / 4)] as E2eItem;
const screenshots = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };

async function withContext<T>(browser: Browser, baseUrl: string, options: BrowserContextOptions, run: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ baseURL: baseUrl, ...options });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return await run(page);
  } finally {
    await context.close();
  }
}

/** Searches from the home page by choosing a photo, without ever pressing Search. */
async function searchByPicking(page: Page, baseUrl: string, item: E2eItem = query): Promise<ResultsPage> {
  const home = await new HomePage(page).goto();
  await home.searchWith(await fetchPhoto(baseUrl, item));
  const results = new ResultsPage(page);
  await results.resultIds();
  return results;
}

const filtersButton = (page: Page) => page.getByRole("button", { name: /^Filters/ });
const sheet = (page: Page) => page.getByRole("dialog", { name: "Filters" });

test("phone 390×844: the first result card is wholly on the first screen, the refine form behind a Filters button", async ({ browser, baseUrl }) => {
  await withContext(browser, baseUrl, { viewport: phone }, async (page) => {
    const results = await searchByPicking(page, baseUrl);
    const card = await results.results().first().boundingBox();
    assert.ok(card, "the first result has a box");
    console.log(`  first result card at y=${Math.round(card.y)}…${Math.round(card.y + card.height)} of ${phone.height}`);
    assert.ok(card.y >= 0 && card.y + card.height <= phone.height, `first result at y=${card.y}…${card.y + card.height}, the screen is ${phone.height} px`);
    assert.equal(await page.getByRole("form", { name: "Refine the search" }).isVisible(), false, "the refine form is behind the Filters button");
    await page.screenshot({ path: path.join(screenshots, "phone-results.png") });
  });
});

test("phone 390×844: the filter sheet traps focus, closes on Escape (focus back on its button) and applies a filter", async ({ browser, baseUrl }) => {
  await withContext(browser, baseUrl, { viewport: phone }, async (page) => {
    await searchByPicking(page, baseUrl);
    const button = filtersButton(page);
    await button.click();
    await sheet(page).waitFor();
    assert.equal(await button.getAttribute("aria-expanded"), "true");
    const inSheet = () => page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null);
    assert.ok(await inSheet(), "focus moves into the sheet");
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press(i % 5 === 4 ? "Shift+Tab" : "Tab");
      assert.ok(await inSheet(), `focus stays in the sheet (key ${i + 1})`);
    }
    await page.screenshot({ path: path.join(screenshots, "phone-filters.png") });
    await page.keyboard.press("Escape");
    await sheet(page).waitFor({ state: "detached" });
    assert.ok(await button.evaluate((el) => el === document.activeElement), "focus is back on the Filters button");

    await button.click();
    const gender = sheet(page).locator('select[name="gender"]');
    const value = await gender.locator("option").nth(1).getAttribute("value");
    assert.ok(value, "a gender to filter on");
    await gender.selectOption(value);
    await Promise.all([page.waitForURL(new RegExp(`gender=${encodeURIComponent(value)}`)), sheet(page).getByRole("button", { name: "Update results" }).click()]);
    await page.getByRole("link", { name: `Remove filter ${value}` }).waitFor();
    assert.equal(await sheet(page).count(), 0, "the sheet closes once applied");
    assert.equal(await filtersButton(page).textContent(), "Filters (1)");
  });
});

test("desktop 1280×800: the filters stay in the sidebar, no Filters button", async ({ browser, baseUrl }) => {
  await withContext(browser, baseUrl, { viewport: desktop }, async (page) => {
    await searchByPicking(page, baseUrl);
    assert.equal(await filtersButton(page).isVisible(), false);
    assert.ok(await page.getByRole("form", { name: "Refine the search" }).isVisible());
    assert.equal(await page.getByTestId("camera").isVisible(), false, "no camera button on a desktop");
  });
});

test("a phone offers the camera (capture=environment); a photo taken with it searches at once", async ({ browser, baseUrl }) => {
  await withContext(browser, baseUrl, { viewport: phone }, async (page) => {
    const home = await new HomePage(page).goto();
    const camera = page.getByTestId("camera");
    assert.ok(await camera.isVisible(), "the camera button shows on a phone");
    const input = camera.locator('input[type="file"]');
    assert.deepEqual([await input.getAttribute("capture"), await input.getAttribute("accept")], ["environment", "image/*"]);
    await Promise.all([home.waitForResults(), input.setInputFiles(await fetchPhoto(baseUrl, query))]);
    assert.equal((await new ResultsPage(page).resultIds())[0], query.id);
  });
});

test("Copy link puts the share URL on the clipboard and says Copied; without a clipboard the link is shown to copy", async ({ browser, baseUrl }) => {
  await withContext(browser, baseUrl, { viewport: phone, permissions: ["clipboard-read", "clipboard-write"] }, async (page) => {
    await searchByPicking(page, baseUrl);
    const copy = page.getByRole("button", { name: "Copy link" });
    await copy.click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    assert.equal(await page.getByRole("status").filter({ hasText: "Link copied" }).count(), 1);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
  });
  await withContext(browser, baseUrl, { viewport: desktop }, async (page) => {
    // A browser that refuses both the Clipboard API and the copy command.
    // As a string: tsx's compiled functions call helpers (__name) the page does not have.
    await page.addInitScript(`
      Object.defineProperty(navigator, "clipboard", { value: { writeText: () => Promise.reject(new Error("denied")) } });
      document.execCommand = () => false;
    `);
    await searchByPicking(page, baseUrl);
    await page.getByRole("button", { name: "Copy link" }).click();
    const field = page.getByLabel("Copy this link:");
    await field.waitFor();
    assert.equal(await field.inputValue(), page.url());
  });
});

/**
 * Chooses a photo file on the home page and answers the size of each file the page's upload
 * carried: fetch is wrapped in the page (as a string: tsx's compiled functions call helpers the
 * page lacks), because CDP reports no body for multipart uploads.
 */
async function uploadedFileSizes(page: Page, file: string): Promise<number[]> {
  await page.addInitScript(`
    window.__uploads = [];
    const original = window.fetch;
    window.fetch = (input, init) => {
      if (init && init.body instanceof FormData) for (const [, value] of init.body) if (value instanceof File) window.__uploads.push(value.size);
      return original(input, init);
    };
  `);
  const home = await new HomePage(page).goto();
  await Promise.all([home.waitForResults(), home.form.locator('input[type="file"][name="image"]').setInputFiles(file)]);
  await new ResultsPage(page).resultIds();
  return page.evaluate(() => (window as unknown as { __uploads: number[] }).__uploads);
}

async function writeTemp(name: string, bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "phone-e2e-"));
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

test("an 8000×7000 photo (over MAX_IMAGE_PIXELS) is shrunk in the browser and searched, not refused", async ({ page, baseUrl }) => {
  const photo = await fetchPhoto(baseUrl, query);
  const large = await sharp(photo.buffer).resize(8000, 7000, { fit: "contain", background: "#ffffff" }).jpeg({ quality: 90 }).toBuffer();
  const sent = await uploadedFileSizes(page, await writeTemp("large.jpg", large));
  const ids = await new ResultsPage(page).resultIds();
  assert.ok(ids.includes(query.id), `the product is among the results of its blown-up photo (${ids.join(", ")})`);
  console.log(`  ${large.byteLength} bytes, 8000×7000 chosen → ${sent.join(", ")} bytes uploaded`);
  assert.equal(sent.length, 1, "one upload");
  assert.ok(sent[0]! < large.byteLength / 4, `the upload is the shrunk copy: ${sent[0]} bytes sent for a ${large.byteLength}-byte, 56 MP photo`);
});

test("a photo over MAX_UPLOAD_BYTES is shrunk in the browser and searched, not refused", async ({ page }) => {
  const limit = Number(process.env.MAX_UPLOAD_BYTES) || 10 * 1024 * 1024;
  // Noise compresses badly: 2500×2000 at quality 100 is over 10 MB.
  const noisy = await sharp({ create: { width: 2500, height: 2000, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 60 } } })
    .jpeg({ quality: 100, chromaSubsampling: "4:4:4" })
    .toBuffer();
  assert.ok(noisy.byteLength > limit, `the test photo is over the limit (${noisy.byteLength} bytes)`);
  const sent = await uploadedFileSizes(page, await writeTemp("noisy.jpg", noisy));
  console.log(`  ${noisy.byteLength} bytes, 2500×2000 chosen → ${sent.join(", ")} bytes uploaded`);
  assert.ok(sent.length === 1 && sent[0]! < limit, `${sent[0]} bytes sent`);
});

test("the results page ranks exactly what POST /api/search answers for the same photo, from the same pixels", async ({ page, baseUrl }) => {
  const photo = await fetchPhoto(baseUrl, query);
  const results = await searchByPicking(page, baseUrl);
  const shown = await results.resultIds();
  // The page fetches 3k and folds identical photos into one card; ask the API the same.
  const form = new FormData();
  form.append("image", new Blob([new Uint8Array(photo.buffer)], { type: photo.mimeType }), photo.name);
  const response = await fetch(`${baseUrl}/api/search?k=${shown.length * 3}`, { method: "POST", body: form });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { results: { id: string }[]; shareUrl: string };
  const hashOf = new Map(allItems.map((item) => [item.id, item.imageHash]));
  const seen = new Set<string>();
  const folded = body.results.filter(({ id }) => !seen.has(hashOf.get(id)!) && seen.add(hashOf.get(id)!)).map(({ id }) => id);
  assert.deepEqual(shown, folded.slice(0, shown.length));
  assert.equal(new URL(body.shareUrl, baseUrl).searchParams.get("q"), new URL(page.url()).searchParams.get("q"), "the same query bytes");
});

test("a category page filters with live counts, removes a filter in one click and pages within the filter", async ({ browser, baseUrl }) => {
  const full = allItems;
  const counts = new Map<string, number>();
  for (const item of full) counts.set(`${item.articleType}\t${item.gender}`, (counts.get(`${item.articleType}\t${item.gender}`) ?? 0) + 1);
  // A gender with more than one page (30) of a category but not all of it, so the filter both narrows and pages.
  const [key, count] = [...counts].find(([k, n]) => n > 30 && n < full.filter((item) => item.articleType === k.split("\t")[0]).length)!;
  const [articleType, gender] = key.split("\t") as [string, string];
  for (const viewport of [desktop, phone]) {
    await withContext(browser, baseUrl, { viewport }, async (page) => {
      await page.goto(`/categories/${encodeURIComponent(articleType)}`);
      const chip = page.getByTestId("facet-chips").getByRole("link", { name: `${gender} (${count})` });
      await Promise.all([page.waitForURL(new RegExp(`gender=${gender}`)), chip.click()]);
      await page.getByTestId("category-count").filter({ hasText: `${count} products match these filters` }).waitFor();
      const grid = page.getByTestId("product-grid").locator(":scope > li");
      assert.equal(await grid.count(), 30);
      if (viewport === desktop) await page.screenshot({ path: path.join(screenshots, "category-filters.png") });
      await Promise.all([page.waitForURL(/page=2/), page.getByRole("link", { name: "Next →" }).click()]);
      assert.match(page.url(), new RegExp(`gender=${gender}&page=2$`));
      await page.getByText("Page 2 of 2").waitFor();
      assert.equal(await grid.count(), count - 30);
      await Promise.all([page.waitForURL((url) => !url.search.includes("gender=")), page.getByRole("link", { name: `Remove filter ${gender}` }).click()]);
      await page.getByTestId("category-count").filter({ hasText: /^40 products$/ }).waitFor();
    });
  }
});

test("a category link with a bad page or an unknown filter value explains itself", async ({ page }) => {
  const { articleType } = query;
  await page.goto(`/categories/${encodeURIComponent(articleType)}?page=0`);
  await page.locator('[role="alert"][data-error-code="bad_request"]').filter({ hasText: "page must be a whole number from 1" }).waitFor();
  await page.goto(`/categories/${encodeURIComponent(articleType)}?gender=Martian`);
  await page.locator('[role="alert"][data-error-code="bad_request"]').waitFor();
  await page.getByRole("link", { name: `Show all ${articleType}` }).waitFor();
});

/**
 * The crop box on the results page: a drag or the arrow keys search again with crop=x,y,w,h,
 * the page says the user's crop was searched, and the share URL brings back the same box and results.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { HomePage } from "./pages/home-page";
import { ResultsPage } from "./pages/results-page";
import { fetchPhoto, readCatalogItems, withUniquePhoto, type E2eItem } from "./support/catalog";
import { test } from "./support/runner";

const items = withUniquePhoto(await readCatalogItems());
const item = items[Math.floor(items.length / 3)] as E2eItem;

async function searchWithPhoto(page: Page, baseUrl: string): Promise<ResultsPage> {
  const home = await new HomePage(page).goto();
  await home.searchWith(await fetchPhoto(baseUrl, item));
  return new ResultsPage(page);
}

function cropOf(url: string): string | null {
  return new URL(url).searchParams.get("crop");
}

/** Drags from the centre of `from` by (dx, dy) pixels in small steps, as a hand would. */
async function drag(page: Page, from: { x: number; y: number; width: number; height: number }, dx: number, dy: number): Promise<void> {
  const [x, y] = [from.x + from.width / 2, from.y + from.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 8 });
  await page.mouse.up();
}

test("dragging the crop box searches that region, and its share URL shows the same box and results", async ({ page, browser, baseUrl }) => {
  const results = await searchWithPhoto(page, baseUrl);
  await results.resultIds();
  assert.equal(cropOf(page.url()), null, "a new search starts with the automatic region");
  const frame = await results.queryImage().boundingBox();
  assert.ok(frame, "query photo laid out");

  // Shrink from the bottom-right corner to about 60% × 60%, then move the box right and down.
  await drag(page, (await results.cropBox().locator('[data-handle="se"]').boundingBox())!, -0.4 * frame.width, -0.4 * frame.height);
  await page.waitForURL((url) => cropOf(url.href) !== null);
  await results.regionSource().filter({ hasText: "Searched your crop" }).waitFor();
  const shrunk = cropOf(page.url())!;
  const [x0, y0, w0, h0] = shrunk.split(",").map(Number) as [number, number, number, number];
  assert.ok(w0 < 0.75 && w0 > 0.45 && h0 < 0.75 && h0 > 0.45, `resized to about 0.6 × 0.6: ${shrunk}`);
  assert.match(shrunk, /^[0-9.]+(,[0-9.]+){3}$/);
  assert.ok(shrunk.split(",").every((v) => (v.split(".")[1] ?? "").length <= 3), `3 decimals at most: ${shrunk}`);

  await drag(page, (await results.cropBox().boundingBox())!, 0.2 * frame.width, 0.2 * frame.height);
  await page.waitForURL((url) => cropOf(url.href) !== shrunk);
  const moved = cropOf(page.url())!;
  const [x1, y1, w1, h1] = moved.split(",").map(Number) as [number, number, number, number];
  assert.ok(x1 > x0 + 0.1 && y1 > y0 + 0.1, `moved right and down: ${shrunk} → ${moved}`);
  assert.ok(Math.abs(w1 - w0) < 0.002 && Math.abs(h1 - h0) < 0.002, `a move keeps the size: ${shrunk} → ${moved}`);
  await results.regionSource().filter({ hasText: "Searched your crop" }).waitFor();
  await page.waitForFunction((crop) => document.querySelector('[data-testid="crop-box"]')?.getAttribute("data-box") === crop, moved);
  const expected = await results.resultIds();

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const again = await new ResultsPage(await fresh.newPage()).goto(page.url());
    assert.deepEqual(await again.resultIds(), expected, "same results from the share URL");
    assert.equal(await again.cropBox().getAttribute("data-box"), moved, "same box from the share URL");
    assert.match((await again.regionSource().textContent()) ?? "", /Searched your crop/);
  } finally {
    await fresh.close();
  }
});

test("the crop box moves and resizes from the keyboard, and resets to the whole photo or the found product", async ({ page, baseUrl }) => {
  const results = await searchWithPhoto(page, baseUrl);
  await results.resultIds();
  const box = results.cropBox();
  assert.match((await box.getAttribute("aria-label")) ?? "", /^Search area, from \d+% to \d+% across/);

  await box.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press("Shift+ArrowLeft");
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  // The presses may land in one search or several; wait for the one after the last.
  await page.waitForURL((url) => Number(cropOf(url.href)?.split(",")[0] ?? 0) > 0);
  await results.regionSource().filter({ hasText: "Searched your crop" }).waitFor();
  const [x, , w] = cropOf(page.url())!.split(",").map(Number) as [number, number, number, number];
  assert.ok(w <= 0.9 + 1e-9, `shift+left narrowed the box: ${cropOf(page.url())}`);
  assert.ok(x > 0, `right moved it: ${cropOf(page.url())}`);

  await page.getByRole("link", { name: "Whole photo" }).click();
  await page.waitForURL((url) => cropOf(url.href) === "none");
  await results.regionSource().filter({ hasText: "Searched the whole photo" }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="crop-box"]')?.getAttribute("data-box") === "0,0,1,1");

  await page.getByRole("link", { name: "Find the product" }).click();
  await page.waitForURL((url) => cropOf(url.href) === null);
  await page.getByRole("link", { name: "Find the product" }).and(page.locator('[aria-current="true"]')).waitFor();
});

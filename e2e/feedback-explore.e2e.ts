import assert from "node:assert/strict";
import path from "node:path";
import type { Page } from "playwright-core";
import { HomePage } from "./pages/home-page";
import { fetchPhoto, readCatalogItems, withUniquePhoto, type E2eItem } from "./support/catalog";
import { test } from "./support/runner";

const items = withUniquePhoto(await readCatalogItems());
const query = items[Math.floor(items.length / 3)] as E2eItem;
const screenshots = path.resolve(import.meta.dirname, "..", "docs", "screenshots");

const grid = (page: Page) => page.getByTestId("product-grid").locator(":scope > li");
const resultIds = async (page: Page) => {
  await grid(page).first().waitFor();
  return grid(page).evaluateAll((lis) => lis.map((li) => li.getAttribute("data-item-id") ?? ""));
};

async function searchFor(page: Page, baseUrl: string): Promise<string[]> {
  const home = await new HomePage(page).goto();
  await home.searchWith(await fetchPhoto(baseUrl, query));
  return resultIds(page);
}

test("👎 hides a result and 👍 re-ranks; the refined results come back from the share URL", async ({ page, baseUrl, browser }) => {
  const before = await searchFor(page, baseUrl);
  const disliked = before[1]!;
  await Promise.all([
    page.waitForURL(new RegExp(`negative=${disliked}`)),
    page.locator(`li[data-item-id="${disliked}"]`).getByRole("link", { name: /^Less like/ }).click(),
  ]);
  const afterDislike = await resultIds(page);
  assert.ok(!afterDislike.includes(disliked), "the disliked result is gone");
  const liked = afterDislike[2]!;
  await Promise.all([
    page.waitForURL(new RegExp(`positive=${liked}`)),
    page.locator(`li[data-item-id="${liked}"]`).getByRole("link", { name: /^More like/ }).click(),
  ]);
  const refined = await resultIds(page);
  assert.ok(!refined.includes(disliked));
  await page.getByRole("link", { name: "Clear the feedback" }).waitFor();
  await page.screenshot({ path: path.join(screenshots, "feedback.png") });
  // A fresh browser (nothing shared but the URL) shows the same refined results.
  const other = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 } });
  try {
    const shared = await other.newPage();
    await shared.goto(page.url());
    assert.deepEqual(await resultIds(shared), refined);
    assert.equal(await shared.locator(`li[data-item-id="${liked}"]`).getByRole("link", { name: /^Undo more like/ }).count(), 1);
  } finally {
    await other.close();
  }
});

test("Show more continues after the last result, sort by name orders the matches", async ({ page, baseUrl }) => {
  const first = await searchFor(page, baseUrl);
  await Promise.all([page.waitForURL(/offset=\d+/), page.getByRole("link", { name: /^Show more/ }).click()]);
  const next = await resultIds(page);
  assert.equal(next.length, first.length);
  assert.ok(next.every((id) => !first.includes(id)), "the next page repeats none of the first");
  await page.screenshot({ path: path.join(screenshots, "show-more.png") });
  await Promise.all([page.waitForURL(/sort=name/), page.getByRole("link", { name: "Name A–Z" }).click()]);
  const names = await grid(page).evaluateAll((lis) => lis.map((li) => li.querySelector("img")?.getAttribute("alt") ?? ""));
  const sorted = [...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base", numeric: true }));
  assert.deepEqual(names, sorted);
  assert.ok(!page.url().includes("offset="), "a new sort starts at the first page");
});

import assert from "node:assert/strict";
import { CategoriesPage } from "./pages/category-page";
import { HomePage } from "./pages/home-page";
import { ItemPage } from "./pages/item-page";
import { ResultsPage } from "./pages/results-page";
import { fetchPhoto, readCatalogItems, withUniquePhoto, type E2eItem } from "./support/catalog";
import { test } from "./support/runner";
import { startServer } from "./support/server";

const items = withUniquePhoto(await readCatalogItems());
const [first, second, third] = [items[0], items[Math.floor(items.length / 2)], items[items.length - 1]] as E2eItem[];

test("an uploaded catalog photo finds its own product at rank 1", async ({ page, baseUrl }) => {
  const home = await new HomePage(page).goto();
  await home.searchWith(await fetchPhoto(baseUrl, first!));
  const results = new ResultsPage(page);
  assert.equal((await results.resultIds())[0], first!.id);
  assert.match((await results.queryImage().getAttribute("src")) ?? "", /^data:image\/webp;base64,/);
});

test("a dropped photo and a pasted photo search too", async ({ page, baseUrl }) => {
  for (const [how, item] of [["drop", second], ["paste", third]] as const) {
    const home = await new HomePage(page).goto();
    const photo = await fetchPhoto(baseUrl, item!);
    // No Search press: a dropped or pasted photo searches at once.
    await Promise.all([home.waitForResults(), how === "drop" ? home.dropPhoto(photo) : home.pastePhoto(photo)]);
    assert.equal((await new ResultsPage(page).resultIds())[0], item!.id, `${how}: rank 1`);
  }
});

test("a result opens its item page, with more like it", async ({ page, baseUrl }) => {
  const home = await new HomePage(page).goto();
  await home.searchWith(await fetchPhoto(baseUrl, first!));
  const results = new ResultsPage(page);
  const [, secondId] = await results.resultIds();
  await results.openResult(1);
  assert.match(page.url(), new RegExp(`/items/${encodeURIComponent(secondId!)}$`));
  const item = new ItemPage(page);
  assert.ok((await item.heading().textContent())?.length);
  assert.ok((await item.similar().count()) > 0, "similar products listed");
});

test("categories drill down to a paginated grid with a search form", async ({ page }) => {
  const categories = await new CategoriesPage(page).goto();
  const category = await categories.open(first!.articleType);
  assert.equal(await category.heading().textContent(), first!.articleType);
  assert.ok((await category.products().count()) > 0);
  assert.equal(await category.search.form.locator('input[type="hidden"][name="articleType"]').inputValue(), first!.articleType);
});

test("a share URL gives the same results in a fresh browser and on another instance", async ({ page, browser, baseUrl }) => {
  const home = await new HomePage(page).goto();
  // Fields first: the search starts as soon as the photo is chosen.
  await home.setResultCount(7);
  await home.searchWith(await fetchPhoto(baseUrl, second!));
  const shareUrl = new URL(page.url());
  const expected = await new ResultsPage(page).resultIds();
  assert.equal(expected.length, 7);

  const fresh = await browser.newContext();
  try {
    const again = await new ResultsPage(await fresh.newPage()).goto(shareUrl.href);
    assert.deepEqual(await again.resultIds(), expected, "fresh browser context");
  } finally {
    await fresh.close();
  }

  // A second server process: nothing but the URL carries the search.
  const other = await startServer();
  const elsewhere = await browser.newContext();
  try {
    const there = await new ResultsPage(await elsewhere.newPage()).goto(`${other.baseUrl}${shareUrl.pathname}${shareUrl.search}`);
    assert.deepEqual(await there.resultIds(), expected, "another instance");
  } finally {
    await elsewhere.close();
    await other.stop();
  }
});

test("a non-image upload shows a friendly error, not a crash", async ({ page }) => {
  const home = await new HomePage(page).goto();
  await home.choosePhoto({ name: "notes.jpg", mimeType: "image/jpeg", buffer: Buffer.from("these are notes, not a photo\n") });
  await home.error().waitFor();
  assert.equal(await home.error().getAttribute("data-error-code"), "unsupported_media_type");
  assert.match(page.url(), /\/$/);
});

test("a damaged share link shows a friendly error", async ({ page }) => {
  await page.goto("/search?q=not-a-photo&k=5");
  const alert = new ResultsPage(page).error();
  await alert.waitFor();
  assert.equal(await alert.getAttribute("data-error-code"), "bad_request");
  assert.match((await alert.textContent()) ?? "", /search link/i);
});

test("a photo over the upload limit is refused before it is sent", async ({ page }) => {
  const home = await new HomePage(page).goto();
  const limit = Number(process.env.MAX_UPLOAD_BYTES) || 10 * 1024 * 1024;
  // Not decodable, so it cannot be shrunk: the size check answers before anything is sent.
  await home.choosePhoto({ name: "huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(limit + 1024 * 1024) });
  await home.error().waitFor();
  assert.match((await home.error().textContent()) ?? "", /limit is/);
});

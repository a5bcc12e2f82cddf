import assert from "node:assert/strict";
import { foldText } from "../lib/text/tokenise";
import { HomePage } from "./pages/home-page";
import { ResultsPage } from "./pages/results-page";
import { fetchPhoto, readCatalogItems, withUniquePhoto } from "./support/catalog";
import { test } from "./support/runner";

const items = await readCatalogItems();
const nameOf = new Map(items.map((item) => [item.id, foldText(item.productDisplayName)]));
// The commonest brand (a name's first word) that has a product with a photo of its own.
const brands = new Map<string, number>();
for (const item of items) {
  const brand = foldText(item.productDisplayName.split(" ")[0] ?? "");
  if (/^[a-z]{4,}$/.test(brand)) brands.set(brand, (brands.get(brand) ?? 0) + 1);
}
const brand = [...brands].sort((a, b) => b[1] - a[1])[0]![0];
const target = withUniquePhoto(items).find((item) => foldText(item.productDisplayName).startsWith(`${brand} `))!;

test("words and a photo: only that brand, the photo's product first; the words come off in one click", async ({ page, baseUrl }) => {
  const home = await new HomePage(page).goto();
  // Words first: choosing the photo starts the search.
  await home.typeWords(brand.toUpperCase());
  await home.searchWith(await fetchPhoto(baseUrl, target));
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("text"), brand.toUpperCase(), "the share URL carries the words");
  const results = new ResultsPage(page);
  const ids = await results.resultIds();
  assert.equal(ids[0], target.id);
  for (const id of ids) assert.match(nameOf.get(id) ?? "", new RegExp(`\\b${brand}\\b`), `result ${id} is ${brand}`);
  assert.match((await results.queryText().textContent()) ?? "", new RegExp(brand, "i"));

  await Promise.all([page.waitForURL((next) => !next.searchParams.has("text")), results.queryText().getByRole("link").click()]);
  const plain = await results.resultIds();
  assert.ok(new URL(page.url()).searchParams.has("q"), "the photo stays");
  assert.ok(plain.some((id) => !new RegExp(`\\b${brand}\\b`).test(nameOf.get(id) ?? "")), "other brands come back without the words");
});

test("words alone list the matching products, and the URL shares them", async ({ page }) => {
  const home = await new HomePage(page).goto();
  await home.typeWords(brand);
  await Promise.all([page.waitForURL(/\/search\?text=/, { timeout: 30_000 }), home.submit()]);
  const results = new ResultsPage(page);
  const ids = await results.resultIds();
  assert.ok(ids.length > 0);
  for (const id of ids) assert.match(nameOf.get(id) ?? "", new RegExp(`\\b${brand}\\b`));
  assert.equal(await results.queryImage().count(), 0, "no photo shown");
});

import assert from "node:assert/strict";
import path from "node:path";
import { HomePage } from "./pages/home-page";
import { findSeriousViolations, formatViolations } from "./support/axe";
import { fetchPhoto, readCatalogItems, withUniquePhoto, type E2eItem } from "./support/catalog";
import { test } from "./support/runner";

const items = withUniquePhoto(await readCatalogItems());
const query = items[Math.floor(items.length / 4)] as E2eItem;
const screenshots = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const viewports = [
  { width: 1280, height: 800, file: "why-similar.png" },
  { width: 390, height: 844, file: "why-similar-phone.png" },
];

for (const viewport of viewports) {
  test(`"Why similar?" at ${viewport.width}×${viewport.height}: the keyboard opens a dialog of heat-maps over both photos and agreement chips over the grid (no card grows), axe-clean, and closes it`, async ({ browser, baseUrl }) => {
    // A context of its own: the viewport, and bypassCSP for the injected axe script.
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: viewport.width, height: viewport.height }, bypassCSP: true });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const home = await new HomePage(page).goto();
      await home.searchWith(await fetchPhoto(baseUrl, query));
      const grid = page.getByTestId("product-grid").locator(":scope > li");
      const result = grid.nth(1);
      const heights = () => grid.evaluateAll((items) => items.map((item) => Math.round(item.getBoundingClientRect().height)));
      const toggle = result.getByTestId("why-toggle");
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      assert.equal(await result.getByTestId("heatmap").count(), 0, "nothing is fetched before the toggle");
      await toggle.focus();
      const before = await heights();
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: /^Why .* is similar/ });
      await dialog.waitFor();
      const heatmaps = dialog.getByTestId("heatmap");
      // An explanation is ~86 backbone runs: on a busy 2-core machine that takes a while.
      await heatmaps.nth(1).waitFor({ timeout: 180_000 });
      assert.equal(await heatmaps.count(), 2, "a heat-map over the query photo and one over the product's");
      for (const heatmap of await heatmaps.all()) {
        const { loaded, src } = await heatmap.evaluate((img: HTMLImageElement) => ({ loaded: img.complete && img.naturalWidth > 0, src: img.src.slice(0, 22) }));
        assert.ok(loaded, "the heat-map image is drawn");
        assert.equal(src, "data:image/png;base64,");
      }
      const chips = dialog.getByTestId("agreement-chips").locator("li");
      assert.equal(await chips.count(), 3);
      assert.match((await chips.allTextContents()).join(" | "), /categor.*\|.*colour.*\|.*gender/i);
      assert.equal(await toggle.getAttribute("aria-expanded"), "true");
      // The open explanation lies over the page: no card of the grid grows with it.
      const after = await heights();
      assert.deepEqual(after, before, `the result cards keep their heights while the explanation is open: ${JSON.stringify({ before, after })}`);
      const box = await dialog.boundingBox();
      assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height, `the dialog fits the viewport: ${JSON.stringify(box)}`);
      const violations = await findSeriousViolations(page);
      assert.equal(violations.length, 0, `axe found with the explanation open:\n${formatViolations(violations)}`);
      await page.screenshot({ path: path.join(screenshots, viewport.file) });
      // Escape closes it and gives the focus back to the toggle; Enter on the focused Close button closes it too.
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
      // The dialog closes natively first; React then re-renders the toggle (a loaded machine shows the gap).
      await page.waitForFunction((el) => el?.getAttribute("aria-expanded") === "false", await toggle.elementHandle(), { timeout: 10_000 });
      assert.ok(await toggle.evaluate((el) => el === document.activeElement), "the focus is back on the toggle");
      await page.keyboard.press("Enter");
      await dialog.getByTestId("heatmap").nth(1).waitFor({ timeout: 180_000 });
      assert.ok(await dialog.getByRole("button", { name: "Close" }).evaluate((el) => el === document.activeElement), "the dialog opens with the focus on Close");
      await page.keyboard.press("Enter");
      await dialog.waitFor({ state: "hidden" });
    } finally {
      await context.close();
    }
  });
}

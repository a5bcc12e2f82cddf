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
  test(`"Why similar?" at ${viewport.width}×${viewport.height}: the keyboard toggles heat-maps over both photos and agreement chips, axe-clean`, async ({ browser, baseUrl }) => {
    // A context of its own: the viewport, and bypassCSP for the injected axe script.
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: viewport.width, height: viewport.height }, bypassCSP: true });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const home = await new HomePage(page).goto();
      await home.choosePhoto(await fetchPhoto(baseUrl, query));
      await home.submitAndWaitForResults();
      const result = page.getByTestId("product-grid").locator(":scope > li").nth(1);
      const toggle = result.getByRole("button", { name: /^Why similar\?/ });
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      assert.equal(await result.getByTestId("heatmap").count(), 0, "nothing is fetched before the toggle");
      await toggle.focus();
      await page.keyboard.press("Enter");
      const heatmaps = result.getByTestId("heatmap");
      await heatmaps.nth(1).waitFor();
      assert.equal(await heatmaps.count(), 2, "a heat-map over the query photo and one over the product's");
      for (const heatmap of await heatmaps.all()) {
        const { loaded, src } = await heatmap.evaluate((img: HTMLImageElement) => ({ loaded: img.complete && img.naturalWidth > 0, src: img.src.slice(0, 22) }));
        assert.ok(loaded, "the heat-map image is drawn");
        assert.equal(src, "data:image/png;base64,");
      }
      const chips = result.getByTestId("agreement-chips").locator("li");
      assert.equal(await chips.count(), 3);
      assert.match((await chips.allTextContents()).join(" | "), /categor.*\|.*colour.*\|.*gender/i);
      const expanded = result.getByRole("button", { name: /^Hide why/ });
      assert.equal(await expanded.getAttribute("aria-expanded"), "true");
      const violations = await findSeriousViolations(page);
      assert.equal(violations.length, 0, `axe found with the explanation open:\n${formatViolations(violations)}`);
      await result.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshots, viewport.file) });
      // The same key closes it again.
      await page.keyboard.press("Enter");
      await result.getByTestId("why-panel").waitFor({ state: "hidden" });
      assert.equal(await result.getByRole("button", { name: /^Why similar\?/ }).getAttribute("aria-expanded"), "false");
    } finally {
      await context.close();
    }
  });
}

/**
 * Writes docs/screenshots/{home,results,item,category,admin-*}.png from a running
 * production build over the small catalog (`npm run build` first).
 */
import path from "node:path";
import { HomePage } from "./pages/home-page";
import { ResultsPage } from "./pages/results-page";
import { signInContext } from "./support/admin";
import { launchBrowser } from "./support/browser";
import { fetchPhoto, readCatalogItems, withUniquePhoto } from "./support/catalog";
import { startServer } from "./support/server";

const outDir = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const server = await startServer();
try {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl, viewport: { width: 1280, height: 860 } });
    const shot = async (name: string) => {
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: false });
      console.log(`docs/screenshots/${name}.png`);
    };
    const [item] = withUniquePhoto(await readCatalogItems());
    if (!item) throw new Error("The catalog is empty");

    // The home page before a photo is chosen: choosing one searches at once.
    const home = await new HomePage(page).goto();
    await shot("home");

    await home.searchWith(await fetchPhoto(server.baseUrl, item));
    const results = new ResultsPage(page);
    await results.resultIds();
    await shot("results");

    await results.openResult(1);
    await shot("item");

    await page.goto(`/categories/${encodeURIComponent(item.articleType)}`);
    await shot("category");

    // The console, signed in (desktop): quality overview, suspects, duplicates.
    await signInContext(page.context(), server.baseUrl);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto("/admin");
    await page.getByTestId("quality-table").waitFor();
    await shot("admin-overview");
    await page.goto("/admin/suspects");
    await page.getByTestId("suspect").first().waitFor();
    await shot("admin-suspects");
    await page.goto("/admin/duplicates");
    await page.getByTestId("duplicate-groups").waitFor();
    await shot("admin-duplicates");

    // And the suspects page on a phone, where each suspect's photo, evidence and buttons stack.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/admin/suspects");
    await page.getByTestId("suspect").first().waitFor();
    await shot("admin-suspects-phone");
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
}

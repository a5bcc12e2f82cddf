/**
 * Writes docs/screenshots/text-photo-search.png (1280×800) and text-photo-search-phone.png (390×844):
 * a photo searched with the words of its brand ("like this photo, <brand> only"), from a running
 * production build (`npm run build` first).
 */
import path from "node:path";
import { foldText } from "../lib/text/tokenise";
import { HomePage } from "./pages/home-page";
import { ResultsPage } from "./pages/results-page";
import { launchBrowser } from "./support/browser";
import { fetchPhoto, readCatalogItems, withUniquePhoto } from "./support/catalog";
import { startServer } from "./support/server";

const outDir = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const server = await startServer();
try {
  const browser = await launchBrowser();
  try {
    const items = withUniquePhoto(await readCatalogItems());
    const item = items.find((i) => /^puma /i.test(i.productDisplayName) && /shoe/i.test(i.articleType)) ?? items.find((i) => /^nike /i.test(i.productDisplayName))!;
    const brand = item.productDisplayName.split(" ")[0]!;
    for (const [name, viewport] of [["text-photo-search", { width: 1280, height: 800 }], ["text-photo-search-phone", { width: 390, height: 844 }]] as const) {
      const page = await browser.newPage({ baseURL: server.baseUrl, viewport });
      const home = await new HomePage(page).goto();
      // Words first: choosing the photo starts the search.
      await home.typeWords(foldText(brand));
      await home.searchWith(await fetchPhoto(server.baseUrl, item));
      await new ResultsPage(page).resultIds();
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: false });
      console.log(`docs/screenshots/${name}.png`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
}

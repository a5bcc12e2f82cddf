/**
 * Writes the issue-13 query screenshots to docs/screenshots/ at 1280×800 from a running
 * production build (`npm run build` first; CATALOG_DIR picks the catalog, default the small one):
 * - grey-tshirt-after.png: the grey printed T-shirt of results.png (the first catalog item with a
 *   photo of its own in the small catalog), searched again;
 * - table-auto.png: a test-split product cut out and put on a wooden surface (lib/scene, seeded),
 *   searched with the automatic region;
 * - table-crop.png: the same photo with the crop box on the product's true box (5% margin), the
 *   search a user who corrects the region gets.
 * Run: `npx tsx e2e/query-screenshots.ts`.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { imagePathFor, readCatalog } from "../lib/catalog/store";
import { cutOutStudioProduct } from "../lib/image/studio-mask";
import { createRng } from "../lib/random";
import { composeScene, type ComposedScene } from "../lib/scene/compose-scene";
import { listAvailablePhotoScenes, readPhotoScenes } from "../lib/scene/photo-scenes";
import { createPhotoBackground, createProceduralBackground, type SceneBackground } from "../lib/scene/scene-background";
import { toUserCropParam, withCropParam } from "../lib/share/crop-box";
import { HomePage, type PhotoFile } from "./pages/home-page";
import { ResultsPage } from "./pages/results-page";
import { launchBrowser } from "./support/browser";
import { fetchPhoto, withUniquePhoto } from "./support/catalog";
import { e2eCatalogDir, startServer } from "./support/server";

const outDir = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
/** One seed for the product pick and the scene, fixed before the screenshot was looked at. */
const SEED = 13;
const MARGIN = 0.05;

const greyShirt = withUniquePhoto((await readCatalog(path.resolve("data/catalog-small"))).items)[0];
if (!greyShirt) throw new Error("The small catalog is empty: npx tsx tests/helpers/build-small-catalog.ts");
const table = await composeTableScene(e2eCatalogDir);

const server = await startServer();
try {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ baseURL: server.baseUrl, viewport: { width: 1280, height: 800 } });
    await search(page, await fetchPhoto(server.baseUrl, greyShirt));
    await shot(page, "grey-tshirt-after");

    await search(page, { name: "table.jpg", mimeType: "image/jpeg", buffer: table.scene.bytes });
    await shot(page, "table-auto");

    const { x, y, w, h } = table.scene.box;
    const [mx, my] = [MARGIN * w, MARGIN * h];
    const left = Math.max(0, x - mx);
    const top = Math.max(0, y - my);
    const crop = toUserCropParam({ x: left, y: top, w: Math.min(1, x + w + mx) - left, h: Math.min(1, y + h + my) - top });
    await new ResultsPage(page).goto(withCropParam(page.url(), crop));
    await shot(page, "table-crop");
    console.log(`table: item ${table.itemId} (${table.label}, ${table.colour}) on ${table.background}, true box ${toUserCropParam(table.scene.box)}`);
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
}

async function search(page: Page, photo: PhotoFile): Promise<void> {
  const home = await new HomePage(page).goto();
  await home.searchWith(photo);
  await new ResultsPage(page).resultIds();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: false });
  console.log(`docs/screenshots/${name}.png`);
}

/** A seeded pick among the catalog's test-split products, photographed on the first wooden scene at hand. */
async function composeTableScene(catalogDir: string): Promise<{ scene: ComposedScene; itemId: string; label: string; colour: string; background: string }> {
  const catalog = await readCatalog(path.resolve(catalogDir));
  const tests = catalog.items.filter((item) => item.split === "test");
  const wood = [...listAvailablePhotoScenes("eval"), ...listAvailablePhotoScenes("dev")].find((scene) => scene.kind === "wood");
  const background: SceneBackground = wood
    ? createPhotoBackground(wood, (await readPhotoScenes([wood])).get(wood.name)!)
    : createProceduralBackground("wood");
  const rng = createRng(SEED);
  for (let tries = 0; tries < 20; tries++) {
    const item = tests[Math.floor(rng() * tests.length)];
    if (!item) break;
    const cut = await cutOutStudioProduct(await fs.readFile(imagePathFor(catalogDir, item)), { maxPixels: 50_000_000 });
    if (!cut.mask.box) continue;
    const scene = await composeScene(cut, background, SEED);
    return { scene, itemId: item.id, label: item.articleType, colour: item.baseColour ?? "?", background: background.name };
  }
  throw new Error(`No test-split product with a foreground in ${catalogDir}`);
}

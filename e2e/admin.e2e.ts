/**
 * The catalog console in the browser: /admin without a session goes to sign-in; signing
 * in sets a Secure, HttpOnly, SameSite=Strict cookie that Chromium keeps over
 * http://127.0.0.1; a suspect relabelled from the console is found under its new label by
 * /api/search, and Undo puts it back. Runs its own server over a private copy of the
 * small catalog, since it writes.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { copyCatalog } from "../tests/helpers/live-catalog";
import { test } from "./support/runner";
import { E2E_ADMIN_TOKEN, e2eCatalogDir, startServer, type RunningServer } from "./support/server";

let server: RunningServer | undefined;
let catalogDir: string | undefined;

async function adminServer(): Promise<RunningServer> {
  catalogDir ??= await copyCatalog(e2eCatalogDir);
  server ??= await startServer({ CATALOG_DIR: catalogDir });
  return server;
}

/** Whether a product comes back from a photo search filtered to `articleType`. */
async function foundUnder(baseUrl: string, id: string, articleType: string): Promise<boolean> {
  const photo = await fetch(`${baseUrl}/api/images/${encodeURIComponent(id)}`);
  const form = new FormData();
  form.set("image", new Blob([await photo.arrayBuffer()], { type: photo.headers.get("content-type") ?? "image/jpeg" }), "q.jpg");
  const response = await fetch(`${baseUrl}/api/search?k=20&articleType=${encodeURIComponent(articleType)}`, { method: "POST", body: form });
  assert.equal(response.status, 200, await response.clone().text());
  const { results } = (await response.json()) as { results: { id: string; articleType: string }[] };
  return results.some((result) => result.id === id && result.articleType === articleType);
}

test("console: /admin without a session redirects to sign-in; a wrong token is refused in words", async ({ browser }) => {
  const { baseUrl } = await adminServer();
  const context = await browser.newContext({ baseURL: baseUrl });
  try {
    const page = await context.newPage();
    await page.goto("/admin/suspects");
    assert.equal(new URL(page.url()).pathname, "/admin/sign-in");
    assert.equal(new URL(page.url()).searchParams.get("next"), "/admin/suspects");
    await page.getByLabel("Admin token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "The admin token is wrong." }).waitFor();
    assert.equal((await context.cookies()).length, 0);
  } finally {
    await context.close();
  }
});

test("console: sign in, relabel a suspect, find it in search under its new label, undo restores it", async ({ browser }) => {
  const { baseUrl } = await adminServer();
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(45_000);
    await page.goto("/admin/suspects");
    await page.getByLabel("Admin token").fill(E2E_ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/admin/suspects");
    const [cookie] = await context.cookies();
    assert.ok(cookie, "Chromium kept no session cookie");
    assert.equal(cookie.name, "__Host-vps-admin");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, "Strict");
    // The cookie is HttpOnly: the page's own script cannot read it.
    assert.equal(await page.evaluate(() => document.cookie.includes("__Host-vps-admin")), false);

    const suspect = page.getByTestId("suspect").first();
    await suspect.waitFor();
    const id = (await suspect.getAttribute("data-id"))!;
    const before = (await suspect.getByTestId("current-label").textContent())!;
    const after = (await suspect.getByTestId("suggested-label").textContent())!;
    assert.equal(await foundUnder(baseUrl, id, before), true, `${id} should be found under ${before} first`);

    await suspect.getByRole("button", { name: `Relabel as ${after}` }).click();
    const recent = page.getByTestId("recent-action").filter({ hasText: `Relabelled ${id}: ${before} → ${after}` });
    await recent.waitFor();
    assert.equal(await foundUnder(baseUrl, id, after), true, `${id} not found under its new label ${after}`);
    assert.equal(await foundUnder(baseUrl, id, before), false);

    // The record is kept across a reload (sessionStorage), and Undo works from it.
    await page.reload();
    await recent.getByRole("button", { name: "Undo" }).click();
    await recent.waitFor({ state: "detached" });
    assert.equal(await foundUnder(baseUrl, id, before), true, `${id} not back under ${before} after undo`);
    assert.equal(await foundUnder(baseUrl, id, after), false);
  } finally {
    await context.close();
    await server?.stop();
    if (catalogDir) await fs.rm(catalogDir, { recursive: true, force: true });
  }
});

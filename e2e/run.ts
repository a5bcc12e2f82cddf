/**
 * End-to-end tests: starts `next start` on a free port over the small catalog,
 * runs e2e/*.e2e.ts in Debian's Chromium, stops the server. Exit code 1 when a
 * test fails. Needs a production build (`npm run build`).
 */
import { launchBrowser } from "./support/browser";
import { runTests } from "./support/runner";
import { startServer } from "./support/server";

const server = await startServer();
let failed = 1;
try {
  await import("./search.e2e");
  await import("./docs.e2e");
  await import("./a11y.e2e");
  await import("./crop-box.e2e");
  await import("./feedback-explore.e2e");
  await import("./http-edges.e2e");
  await import("./text-search.e2e");
  await import("./phone-explore.e2e");
  await import("./why-similar.e2e");
  await import("./admin.e2e");
  const browser = await launchBrowser();
  try {
    ({ failed } = await runTests(browser, server.baseUrl));
  } finally {
    await browser.close();
  }
} catch (error) {
  console.error(error);
} finally {
  await server.stop();
}
process.exitCode = failed === 0 ? 0 : 1;

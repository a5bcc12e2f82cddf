import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { hasCatalogSync } from "../../lib/catalog/store";
import { findFreePort } from "../../lib/net/free-port";

export type RunningServer = { baseUrl: string; stop: () => Promise<void>; /** Everything the server printed so far. */ log: () => string };

const root = path.resolve(import.meta.dirname, "..", "..");

/** The e2e server's ADMIN_TOKEN: the console tests sign in with it. */
export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef0123456789";

/** The catalog the e2e tests and screenshots are served from. */
export const e2eCatalogDir = process.env.CATALOG_DIR ?? "data/catalog-small";

/**
 * Starts `next start` (a production build must exist) on a free port serving
 * the e2e catalog, and waits until /api/health answers 200.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  // NEXT_DIST_DIR (next.config.ts) lets a second build sit beside .next.
  if (!existsSync(path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) throw new Error("No production build: run `npm run build` first.");
  if (!hasCatalogSync(path.join(root, e2eCatalogDir))) {
    throw new Error(`No catalog in ${e2eCatalogDir}: npm run catalog:build -- --images <dir> --csv <csv> --out ${e2eCatalogDir}`);
  }
  const port = await findFreePort();
  const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, CATALOG_DIR: e2eCatalogDir, NEXT_TELEMETRY_DISABLED: "1", ADMIN_TOKEN: E2E_ADMIN_TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => log.push(chunk.toString());
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, child);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\n--- server log ---\n${log.join("")}`);
  }
  return { baseUrl, stop: () => stopChild(child), log: () => log.join("") };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      // The first health call loads the model and index, so later tests do not pay for it.
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
      if (response.status === 503) throw new Error(`Server not ready: ${await response.text()}`);
    } catch (error) {
      if ((error as Error).message.startsWith("Server not ready")) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`No answer from ${baseUrl}/api/health within ${timeoutMs / 1000} s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

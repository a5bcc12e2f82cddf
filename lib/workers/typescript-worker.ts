import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** The file URL of tsx's ESM loader API, read from its package's export map. */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve("tsx/package.json");
  const exported = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports["./esm/api"];
  if (!exported) throw new Error("tsx has no ./esm/api export");
  return pathToFileURL(path.join(path.dirname(manifest), exported.import.default)).href;
}

/**
 * A worker thread running a TypeScript module: the thread registers tsx's loader, then
 * imports the module. Works the same under `tsx` (the scripts) and vitest (the tests),
 * where `execArgv: ["--import", "tsx"]` does not reach the worker.
 */
export function startTypeScriptWorker(moduleUrl: URL, workerData: unknown): Worker {
  const code = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

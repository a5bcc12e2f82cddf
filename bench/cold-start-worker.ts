// A bare Node process over lib/search: load the service, answer one photo search,
// print the phase times (ms since this process started) as one JSON line.
import { promises as fs } from "node:fs";
import { loadConfig } from "../lib/config";
import { createSearchService } from "../lib/search/search-service";

const photo = process.argv[2];
if (!photo) throw new Error("usage: cold-start-worker.ts <photo>");
const imported = performance.now();
const service = await createSearchService(loadConfig());
const loaded = performance.now();
const outcome = await service.searchByImage(new Uint8Array(await fs.readFile(photo)), { k: 10 });
const answered = performance.now();
console.log(JSON.stringify({ importedMs: imported, loadedMs: loaded, answeredMs: answered, hits: outcome.hits.length, catalogSize: service.items.length }));

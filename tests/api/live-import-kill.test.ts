/**
 * kill -9 during a bulk import (the real CLI, in its own process): what is served
 * afterwards is not corrupted, every row the import reported is there, and a rerun
 * completes the import (idempotent by id).
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCatalog } from "@/lib/catalog/store";
import { loadConfig } from "@/lib/config";
import { indexDimOf, resolveServedModel } from "@/lib/model/manifest";
import { EmbeddedStore } from "@/lib/vector-store/embedded/embedded-store";
import { copyCatalog, newProducts, type NewProducts } from "../helpers/live-catalog";

const config = loadConfig();
const model = await resolveServedModel(config.MODELS_DIR, config.MODEL_NAME);
// The index holds the fused vectors of a model that fuses colour: its dimension is indexDimOf, not the embedding's.
const target = { id: model.id, dim: indexDimOf(model) };
let catalogDir: string;
let products: NewProducts;
let pristine: EmbeddedStore;

type Event = { type: string; id?: string; status?: string; added?: number; unchanged?: number; errors?: number };

/** Runs `npm run catalog:import` as one node process (no tsx wrapper, so SIGKILL hits the importer itself). */
function startImport(onEvent?: (event: Event, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; events: Event[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/catalog-import.ts", "--csv", products.csvPath, "--images", products.imagesDir], {
    env: { ...process.env, CATALOG_DIR: catalogDir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const events: Event[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const event = JSON.parse(line) as Event;
    events.push(event);
    onEvent?.(event, () => child.kill("SIGKILL"));
  });
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, events })));
}

beforeAll(async () => {
  catalogDir = await copyCatalog();
  pristine = await EmbeddedStore.open(catalogDir, target);
  const { items } = await readCatalog(catalogDir);
  products = await newProducts(new Set(items.map((i) => i.id)), 18);
});

afterAll(async () => {
  await products?.cleanup();
  await fs.rm(catalogDir, { recursive: true, force: true });
});

describe("kill -9 during catalog:import", () => {
  it("leaves a loadable catalog with every reported row, and a rerun completes it", async () => {
    const killedAfter = 5;
    let reported = 0;
    const first = await startImport((event, kill) => {
      if (event.type === "item" && event.status === "added" && event.id) {
        // Kill as soon as the 5th row is reported: the 6th is usually mid-embed or mid-append.
        if (++reported === killedAfter) kill();
      }
    });
    expect(first.signal).toBe("SIGKILL");
    const done = first.events.filter((e) => e.type === "item").map((e) => e.id!);
    expect(done.length).toBeGreaterThanOrEqual(killedAfter);
    expect(done.length).toBeLessThan(products.ids.length);

    // What a (re)starting server would load: the catalog, its index and the log's valid records.
    const afterKill = await EmbeddedStore.open(catalogDir, target);
    for (const id of done) expect(await afterKill.get(id), id).toBeDefined();
    const base = await pristine.listItems();
    for (const item of base) {
      const [before, after] = [await pristine.get(item.id), await afterKill.get(item.id)];
      expect(after?.item).toEqual(before?.item);
      expect(after?.vector).toEqual(before?.vector);
    }
    expect(await afterKill.count()).toBeGreaterThanOrEqual(base.length + done.length);

    const second = await startImport();
    expect(second.code).toBe(0);
    const summary = second.events.at(-1)!;
    expect(summary).toMatchObject({ type: "done", errors: 0 });
    expect(summary.unchanged).toBeGreaterThanOrEqual(done.length);
    expect(summary.added! + summary.unchanged!).toBe(products.ids.length);

    const complete = await EmbeddedStore.open(catalogDir, target);
    expect(await complete.count()).toBe(base.length + products.ids.length);
    for (const id of products.ids) expect(await complete.get(id), id).toBeDefined();
    // Each new product is found by its own photo.
    const entry = (await complete.get(products.ids.at(-1)!))!;
    expect((await complete.search(entry.vector, { k: 1 }))[0]?.item.id).toBe(products.ids.at(-1));
  });
});

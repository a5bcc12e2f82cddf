/**
 * The living catalog end to end, over the route handlers and a private copy of the
 * small catalog: add a product through the admin API, find it, restart, still find
 * it, change it, delete it; the rest of the catalog answers as before.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { copyCatalog, newProducts, type NewProducts } from "../helpers/live-catalog";
import { formWith, readFileBytes, searchRequest } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "test-admin-token-0123456789abcdefgh";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;

const items = await import("@/app/api/items/route");
const item = await import("@/app/api/items/[id]/route");
const importRoute = await import("@/app/api/items/import/route");
const search = await import("@/app/api/search/route");
const images = await import("@/app/api/images/[id]/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");

const auth = { authorization: `Bearer ${token}` };
const context = (id: string) => ({ params: Promise.resolve({ id }) });
type Result = { id: string; score: number; productDisplayName: string };

async function searchWith(photo: Uint8Array, query = "?k=10"): Promise<Result[]> {
  const response = await search.POST(searchRequest(formWith([["image", photo, "q.jpg", "image/jpeg"]]), query));
  expect(response.status).toBe(200);
  return (await response.json()).results;
}

function addRequest(photo: Uint8Array, fields: Record<string, string>, query = ""): Request {
  return new Request(`http://localhost/api/items${query}`, {
    method: "POST",
    headers: auth,
    body: formWith([["image", photo, "p.jpg", "image/jpeg"]], fields),
  });
}

/** Drops this process's runtime: the next request loads model, catalog and change log from disk again. */
function restart(): void {
  (globalThis as { __searchRuntime?: unknown }).__searchRuntime = undefined;
}

let products: NewProducts;
let newPhoto: Uint8Array;
let newId: string;
let catalogPhoto: Uint8Array;
let catalogItemId: string;
let baseline: Result[];

beforeAll(async () => {
  const runtime = await getSearchRuntime();
  products = await newProducts(new Set(runtime.service.items.map((i) => i.id)), 4, ["Watches"]);
  newId = `live-${products.ids[0]}`;
  newPhoto = await readFileBytes(`${products.imagesDir}/${products.ids[0]}.jpg`);
  // A catalog photo no other item shares, so its rank 1 is well defined.
  const counts = new Map<string, number>();
  for (const { imageHash } of runtime.service.items) counts.set(imageHash, (counts.get(imageHash) ?? 0) + 1);
  const probe = runtime.service.items.find((i) => counts.get(i.imageHash) === 1 && i.articleType === "Watches")!;
  catalogItemId = probe.id;
  catalogPhoto = await readFileBytes(runtime.service.imageFile(probe.id).path);
  baseline = await searchWith(catalogPhoto);
});

afterAll(async () => {
  await products?.cleanup();
  await fs.rm(catalogDir, { recursive: true, force: true });
});

describe("a living catalog through the admin API", () => {
  it("adds a product: 201, durable, searchable at once (rank 1 with its own photo), photo served", async () => {
    const before = (await getSearchRuntime()).service.items.length;
    const response = await items.POST(addRequest(newPhoto, { id: newId, productDisplayName: "Live test watch", articleType: "Watches", gender: "Men" }));
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ status: "added", item: { id: newId, articleType: "Watches", split: "excluded" }, duplicates: [] });
    expect((await getSearchRuntime()).service.items.length).toBe(before + 1);
    const hits = await searchWith(newPhoto);
    expect(hits[0]).toMatchObject({ id: newId, productDisplayName: "Live test watch" });
    // The route searches the share link's small copy of the photo (0018); the photo itself, searched
    // by the service, finds the stored vector exactly: the add and the query embed alike.
    const own = await (await getSearchRuntime()).service.searchByImage(newPhoto, { k: 1 });
    expect(own.hits[0]?.item.id).toBe(newId);
    expect(own.hits[0]!.score).toBeCloseTo(1, 5);
    const image = await images.GET(new Request(`http://localhost/api/images/${newId}`), context(newId));
    expect(image.status).toBe(200);
    // Served as stored: re-encoded without metadata (tests/api/photo-metadata.test.ts), addressed by its own hash.
    const served = new Uint8Array(await image.arrayBuffer());
    expect(createHash("sha256").update(served).digest("hex")).toBe(body.item.imageHash);
  });

  it("still finds it after a restart (a fresh runtime replays the change log)", async () => {
    restart();
    const hits = await searchWith(newPhoto);
    expect(hits[0]?.id).toBe(newId);
    expect((await getSearchRuntime()).service.getItem(newId)?.productDisplayName).toBe("Live test watch");
  });

  it("a second add with the same id is refused; the product is unchanged", async () => {
    const response = await items.POST(addRequest(catalogPhoto, { id: newId, productDisplayName: "Other", articleType: "Watches" }));
    expect(response.status).toBe(409);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: "conflict" });
    expect(body.error.message).toMatch(/exists/);
    expect((await searchWith(newPhoto))[0]?.id).toBe(newId);
  });

  it("changes its metadata with PATCH, visible in search results and after a restart", async () => {
    const response = await item.PATCH(
      new Request(`http://localhost/api/items/${newId}`, {
        method: "PATCH",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ productDisplayName: "Renamed watch", baseColour: "Black" }),
      }),
      context(newId),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).item).toMatchObject({ id: newId, productDisplayName: "Renamed watch", baseColour: "Black" });
    restart();
    expect((await searchWith(newPhoto, "?k=3&baseColour=Black"))[0]).toMatchObject({ id: newId, productDisplayName: "Renamed watch" });
  });

  it("reports a near-duplicate on add, and refuses it when asked to", async () => {
    const refused = await items.POST(addRequest(catalogPhoto, { id: "dup-1", productDisplayName: "Copy", articleType: "Watches" }, "?rejectDuplicates=true"));
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toContain(catalogItemId);
    const added = await items.POST(addRequest(catalogPhoto, { id: "dup-1", productDisplayName: "Copy", articleType: "Watches" }));
    expect(added.status).toBe(201);
    const body = await added.json();
    expect(body.duplicates[0]).toMatchObject({ id: catalogItemId });
    expect(body.duplicates[0].score).toBeGreaterThan(0.999);
  });

  it("collapse=true keeps one of two near-identical products and still returns k results", async () => {
    const plain = await searchWith(catalogPhoto, "?k=5");
    expect(plain.slice(0, 2).map((r) => r.id).sort()).toEqual([catalogItemId, "dup-1"].sort());
    const collapsed = await searchWith(catalogPhoto, "?k=5&collapse=true");
    expect(collapsed).toHaveLength(5);
    expect(collapsed.filter((r) => r.id === catalogItemId || r.id === "dup-1")).toHaveLength(1);
    // What is kept comes from the plain ranking, in its order.
    const order = (await searchWith(catalogPhoto, "?k=20")).map((r) => r.id);
    const positions = collapsed.map((r) => order.indexOf(r.id));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
  });

  it("bulk import streams one NDJSON line per row (bad rows included), then a summary; a rerun changes nothing", async () => {
    const [, a, b] = products.ids as [string, string, string];
    const csv = [
      "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName",
      `${a},Men,Accessories,Watches,Watches,Black,Winter,2016,Casual,Imported watch A`,
      `${b},Women,Accessories,Watches,Watches,Gold,Winter,2016,Casual,Imported watch B`,
      "bad id!,Men,Accessories,Watches,Watches,Black,Winter,2016,Casual,Broken row",
      "no-photo,Men,Accessories,Watches,Watches,Black,Winter,2016,Casual,",
      "no-photo-2,Men,Accessories,Watches,Watches,Black,Winter,2016,Casual,Row without photo",
    ].join("\n");
    const send = async () => {
      const files: [string, Uint8Array, string, string][] = [["csv", new TextEncoder().encode(csv), "styles.csv", "text/csv"]];
      for (const id of [a, b]) files.push(["images", await readFileBytes(`${products.imagesDir}/${id}.jpg`), `${id}.jpg`, "image/jpeg"]);
      const response = await importRoute.POST(new Request("http://localhost/api/items/import", { method: "POST", headers: auth, body: formWith(files) }));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/x-ndjson");
      return (await response.text()).trim().split("\n").map((line) => JSON.parse(line));
    };
    const events = await send();
    expect(events.filter((e) => e.type === "item").map((e) => [e.id, e.status])).toEqual([[a, "added"], [b, "added"]]);
    expect(events.filter((e) => e.type === "error").map((e) => e.line).sort()).toEqual([4, 5, 6]);
    expect(events.at(-1)).toMatchObject({ type: "done", rows: 5, added: 2, errors: 3 });
    expect((await searchWith(await readFileBytes(`${products.imagesDir}/${b}.jpg`)))[0]).toMatchObject({ id: b, productDisplayName: "Imported watch B" });
    expect((await send()).at(-1)).toMatchObject({ type: "done", added: 0, unchanged: 2, errors: 3 });
    const removed = await item.DELETE(new Request(`http://localhost/api/items/${a}`, { method: "DELETE", headers: auth }), context(a));
    expect(removed.status).toBe(200);
    await item.DELETE(new Request(`http://localhost/api/items/${b}`, { method: "DELETE", headers: auth }), context(b));
  });

  it("deletes: gone from search, 404 after, and the catalog's other results are as before", async () => {
    for (const id of [newId, "dup-1"]) {
      const response = await item.DELETE(new Request(`http://localhost/api/items/${id}`, { method: "DELETE", headers: auth }), context(id));
      expect(response.status).toBe(200);
    }
    expect((await searchWith(newPhoto, "?k=100")).map((r) => r.id)).not.toContain(newId);
    const again = await item.DELETE(new Request(`http://localhost/api/items/${newId}`, { method: "DELETE", headers: auth }), context(newId));
    expect(again.status).toBe(404);
    expect(await searchWith(catalogPhoto)).toEqual(baseline);
    restart();
    expect(await searchWith(catalogPhoto)).toEqual(baseline);
    expect((await getSearchRuntime()).service.getItem(newId)).toBeUndefined();
  });

  it("a running server sees changes the CLI makes in another process, on its next request", async () => {
    const id = products.ids[3]!;
    const photo = `${products.imagesDir}/${id}.jpg`;
    const cli = (script: string, ...args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], { env: { ...process.env, CATALOG_DIR: catalogDir } });
    await searchWith(catalogPhoto); // the runtime is up
    await cli("catalog-add", "--photo", photo, "--id", id, "--product-display-name", "Added by the CLI", "--article-type", "Watches");
    expect((await searchWith(await readFileBytes(photo)))[0]).toMatchObject({ id, productDisplayName: "Added by the CLI" });
    await cli("catalog-remove", id);
    expect((await searchWith(await readFileBytes(photo), "?k=100")).map((r) => r.id)).not.toContain(id);
    expect(await searchWith(catalogPhoto)).toEqual(baseline);
  });
});

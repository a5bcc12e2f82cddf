/**
 * Acknowledged means durable, through the real route handlers on a private copy of the
 * small catalog (issue 14): concurrent adds of one id, concurrent patches of one item,
 * `collapse` over a run of near-identical products, and a change log with one flipped
 * bit in the middle (served read-only, reported in health, never truncated, repaired).
 */
import { promises as fs } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readCatalog } from "@/lib/catalog/store";
import { changeLogPaths } from "@/lib/vector-store/embedded/change-log";
import { repairChangeLog } from "@/lib/vector-store/embedded/repair-log";
import { copyCatalog } from "../helpers/live-catalog";
import { formWith, readFileBytes, searchRequest } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "durability-test-token-0123456789abcdef";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;

const items = await import("@/app/api/items/route");
const item = await import("@/app/api/items/[id]/route");
const search = await import("@/app/api/search/route");
const health = await import("@/app/api/health/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");

const auth = { authorization: `Bearer ${token}` };
const context = (id: string) => ({ params: Promise.resolve({ id }) });
const logFile = changeLogPaths((await readCatalog(catalogDir)).generationDir).log;

function addRequest(photo: Uint8Array, fields: Record<string, string>): Request {
  return new Request("http://localhost/api/items", { method: "POST", headers: auth, body: formWith([["image", photo, "p.jpg", "image/jpeg"]], fields) });
}

function patchRequest(id: string, body: Record<string, string>): Request {
  return new Request(`http://localhost/api/items/${id}`, { method: "PATCH", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function searchIds(photo: Uint8Array, query: string): Promise<string[]> {
  const response = await search.POST(searchRequest(formWith([["image", photo, "q.jpg", "image/jpeg"]]), query));
  expect(response.status).toBe(200);
  return (await response.json()).results.map((r: { id: string }) => r.id);
}

/** The log's lines as parsed JSON records (checksums not verified: the test reads what is on disk). */
async function logRecords(): Promise<{ op: string; item?: { id: string; label: string; articleType: string }; entries?: { item: { id: string } }[] }[]> {
  const text = await fs.readFile(logFile, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line.slice(9)));
}

/** Drops this process's runtime: the next request loads catalog and change log from disk again. */
function restart(): void {
  (globalThis as { __searchRuntime?: unknown }).__searchRuntime = undefined;
}

let photo: Uint8Array;
let otherPhoto: Uint8Array;

beforeAll(async () => {
  const { service } = await getSearchRuntime();
  const [a, b] = service.items.filter((i) => i.articleType === "Watches");
  photo = await readFileBytes(service.imageFile(a!.id).path);
  otherPhoto = await readFileBytes(service.imageFile(b!.id).path);
});

afterAll(async () => {
  await fs.rm(catalogDir, { recursive: true, force: true });
});

describe("concurrent writers", () => {
  it("8 concurrent adds of one id: exactly one 201, seven 409, one record logged", async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => items.POST(addRequest(i % 2 ? photo : otherPhoto, { id: "race-1", productDisplayName: `Racer ${i}`, articleType: "Watches" }))),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = await responses.find((r) => r.status === 201)!.json();
    const logged = (await logRecords()).filter((r) => r.op === "upsert" && r.entries!.some((e) => e.item.id === "race-1"));
    expect(logged).toHaveLength(1);
    restart();
    expect((await getSearchRuntime()).service.getItem("race-1")?.productDisplayName).toBe(winner.item.productDisplayName);
  });

  it("2 × 20 concurrent PATCHes of one item: every logged record's label equals its articleType", async () => {
    const patches = Array.from({ length: 40 }, (_, i): Record<string, string> =>
      i % 2 ? { articleType: `Type ${i}` } : { productDisplayName: `Name ${i}` },
    );
    const responses = await Promise.all(patches.map((body) => item.PATCH(patchRequest("race-1", body), context("race-1"))));
    expect(responses.map((r) => r.status)).toEqual(patches.map(() => 200));
    const updates = (await logRecords()).filter((r) => r.op === "update" && r.item!.id === "race-1");
    expect(updates).toHaveLength(40);
    expect(updates.filter((r) => r.item!.label !== r.item!.articleType)).toEqual([]);
    const served = (await getSearchRuntime()).service.getItem("race-1")!;
    expect(served.label).toBe(served.articleType);
  });
});

describe("collapse", () => {
  it("collapse=true&k=3 returns 3 results even when a dozen near-identical products rank first", async () => {
    for (let i = 0; i < 12; i++) {
      const response = await items.POST(addRequest(photo, { id: `copy-${i}`, productDisplayName: `Copy ${i}`, articleType: "Watches" }));
      expect(response.status).toBe(201);
    }
    const plain = await searchIds(photo, "?k=20");
    expect(plain.slice(0, 14).filter((id) => id.startsWith("copy-"))).toHaveLength(12);
    const collapsed = await searchIds(photo, "?k=3&collapse=true");
    expect(collapsed).toHaveLength(3);
    expect(collapsed.filter((id) => id.startsWith("copy-"))).toHaveLength(collapsed[0]!.startsWith("copy-") ? 1 : 0);
  });
});

describe("a flipped bit in the middle of the change log", () => {
  let pristine: Buffer;
  let corrupted: Buffer;
  let badOffset: number;

  it("is served read-only: the records before it, ok: false in health with file, offset and record", async () => {
    pristine = await fs.readFile(logFile);
    const lines = pristine.toString("utf8").split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(40);
    // Record 10 of the log: flip one bit of a letter inside its JSON.
    badOffset = lines.slice(0, 9).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    const at = badOffset + 9 + lines[9]!.indexOf('"op"') + 2;
    corrupted = Buffer.from(pristine);
    corrupted[at] = corrupted[at]! ^ 0x02;
    await fs.writeFile(logFile, corrupted);
    restart();
    const response = await health.GET();
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.ok).toBe(false);
    expect(report.writable).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: "corrupt_change_log", file: logFile, offset: badOffset, record: 10, repair: "npm run catalog:repair" }),
    ]);
    // Searches still answer from the last good state.
    expect(await searchIds(photo, "?k=5")).toHaveLength(5);
  });

  it("refuses writes with 503 naming the repair command, and the next write truncates nothing", async () => {
    const add = await items.POST(addRequest(otherPhoto, { id: "after-corruption", productDisplayName: "Never", articleType: "Watches" }));
    expect(add.status).toBe(503);
    const body = await add.json();
    expect(body.error.code).toBe("storage_unavailable");
    expect(body.error.message).toContain("npm run catalog:repair");
    const patch = await item.PATCH(patchRequest("race-1", { productDisplayName: "Never" }), context("race-1"));
    expect(patch.status).toBe(503);
    const remove = await item.DELETE(new Request("http://localhost/api/items/copy-0", { method: "DELETE", headers: auth }), context("copy-0"));
    expect(remove.status).toBe(503);
    expect(await fs.readFile(logFile)).toEqual(corrupted);
  });

  it("the repair keeps every good record before and after the bad one, reports what it dropped, and writes work again", async () => {
    const report = await repairChangeLog(catalogDir);
    expect(report.dropped).toEqual([expect.objectContaining({ record: 10, offset: badOffset })]);
    expect(report.kept).toBe(pristine.toString("utf8").split("\n").filter(Boolean).length - 1);
    expect(await fs.readFile(report.quarantined!)).toEqual(corrupted);
    const response = await health.GET();
    expect(await response.json()).toMatchObject({ ok: true, writable: true, problems: [] });
    // Every product of a record after the bad one is served again (the copies were added last).
    const { service } = await getSearchRuntime();
    expect(Array.from({ length: 12 }, (_, i) => service.getItem(`copy-${i}`)?.id)).toEqual(Array.from({ length: 12 }, (_, i) => `copy-${i}`));
    const add = await items.POST(addRequest(otherPhoto, { id: "after-repair", productDisplayName: "Works", articleType: "Watches" }));
    expect(add.status).toBe(201);
  });
});

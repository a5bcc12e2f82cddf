/**
 * Blank photos are never results: an item flagged `blank` (as ingest flags an empty photo)
 * drops out of photo searches and of "more like this", over a private copy of the small catalog.
 */
import { promises as fs } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { copyCatalog } from "../helpers/live-catalog";
import { formWith, readFileBytes, searchRequest } from "./fixtures";

vi.mock("server-only", () => ({}));
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;

const search = await import("@/app/api/search/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { service } = await getSearchRuntime();

afterAll(async () => {
  await fs.rm(catalogDir, { recursive: true, force: true });
});

async function resultIds(photo: Uint8Array): Promise<string[]> {
  const response = await search.POST(searchRequest(formWith([["image", photo, "q.jpg", "image/jpeg"]]), "?k=20"));
  expect(response.status).toBe(200);
  return ((await response.json()).results as { id: string }[]).map((r) => r.id);
}

describe("blank photos", () => {
  it("are left out of photo searches and of more-like-this once flagged", async () => {
    const counts = new Map<string, number>();
    for (const { imageHash } of service.items) counts.set(imageHash, (counts.get(imageHash) ?? 0) + 1);
    const target = service.items.find((item) => counts.get(item.imageHash) === 1)!;
    const photo = await readFileBytes(service.imageFile(target.id).path);
    const before = await resultIds(photo);
    expect(before[0]).toBe(target.id);
    const neighbour = before[1]!;
    expect((await service.similarTo(neighbour, { k: 20 })).hits.map((h) => h.item.id)).toContain(target.id);

    await service.update(target.id, { blank: true });
    const after = await resultIds(photo);
    expect(after).not.toContain(target.id);
    expect(after).toHaveLength(20);
    expect((await service.similarTo(neighbour, { k: 20 })).hits.map((h) => h.item.id)).not.toContain(target.id);
  });
});

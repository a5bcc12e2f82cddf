import sharp from "sharp";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { formWith, readFileBytes, searchRequest, useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const { POST } = await import("@/app/api/search/route");
const { getSearchRuntime, searchByImage, toSharedQueryImage } = await import("@/lib/server/search-runtime");
const { parseShareParams } = await import("@/lib/share/share-url");
const runtime = await getSearchRuntime();

type Body = { results: { id: string; score: number }[]; shareUrl: string };

/** What the results page searches for a share URL: its q bytes with its options (app/search/page.tsx). */
async function searchLikeThePage(shareUrl: string) {
  const shared = parseShareParams(new URL(shareUrl, "http://localhost").searchParams);
  const { query, ...options } = shared;
  if (!query) throw new Error(`${shareUrl} carries no photo`);
  return { query, outcome: await searchByImage(runtime, query, options) };
}

describe("POST /api/search searches the pixels its share URL carries", () => {
  let large: Uint8Array;
  beforeAll(async () => {
    // A catalog photo blown up to 1200×1600 with noise: the share copy (160 px) differs from the upload.
    const item = runtime.service.items[7]!;
    const photo = await readFileBytes(runtime.service.imageFile(item.id).path);
    const noise = Buffer.alloc(1200 * 1600 * 3);
    let seed = 42;
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      noise[i] = 96 + (seed & 0x3f);
    }
    const noiseLayer = await sharp(noise, { raw: { width: 1200, height: 1600, channels: 3 } }).png().toBuffer();
    large = new Uint8Array(
      await sharp(photo)
        .resize(1200, 1600)
        .composite([{ input: noiseLayer, blend: "soft-light" }])
        .jpeg({ quality: 92 })
        .toBuffer(),
    );
  });

  it("answers a shareUrl whose q is the reduced copy, and the page for it ranks exactly the API's results", async () => {
    const response = await POST(searchRequest(formWith([["image", large, "big.jpg", "image/jpeg"]]), "?k=12&mode=style"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Body;
    expect(body.shareUrl).toMatch(/^\/search\?q=[A-Za-z0-9_-]+&k=12&mode=style$/);
    const { query, outcome } = await searchLikeThePage(body.shareUrl);
    // The same bytes the upload form's server action puts in the URL.
    expect(Buffer.from(query).equals(Buffer.from((await toSharedQueryImage(runtime, large)).bytes))).toBe(true);
    expect(body.results.map((r) => r.id)).toEqual(outcome.hits.map((hit) => hit.item.id));
    expect(body.results.map((r) => r.score.toFixed(6))).toEqual(outcome.hits.map((hit) => hit.score.toFixed(6)));
  });

  it("the shareUrl keeps the filters, sort and offset the API was asked for", async () => {
    const gender = runtime.service.items[7]!.gender;
    const response = await POST(searchRequest(formWith([["image", large, "big.jpg", "image/jpeg"]]), `?k=4&gender=${encodeURIComponent(gender)}&sort=name&offset=4`));
    const body = (await response.json()) as Body;
    expect(new URL(body.shareUrl, "http://localhost").searchParams.get("gender")).toBe(gender);
    expect(body.shareUrl).toContain("sort=name&offset=4");
    const { outcome } = await searchLikeThePage(body.shareUrl);
    expect(body.results.map((r) => r.id)).toEqual(outcome.hits.map((hit) => hit.item.id));
  });
});

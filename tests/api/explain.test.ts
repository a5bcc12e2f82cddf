import sharp from "sharp";
import { beforeAll, describe, expect, expectTypeOf, it, vi } from "vitest";
import type { z } from "zod";
import { formWith, readFileBytes, useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const { POST } = await import("@/app/api/explain/route");
const search = await import("@/app/api/search/route");
const { explainResponseSchema, toExplainResponse } = await import("@/app/api/explain/schema");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { backgroundFill, isCellFilled } = await import("@/lib/explain/mask-cells");
const { normalisePixels, toModelPixels } = await import("@/lib/image/preprocess");
const runtime = await getSearchRuntime();

type ErrorBody = { error: { code: string; message: string } };
type Explained = z.infer<typeof explainResponseSchema>;

const explainRequest = (body: BodyInit, query: string) => new Request(`http://localhost/api/explain${query}`, { method: "POST", body });

async function expectError(response: Response, status: number, code: string, message?: RegExp): Promise<void> {
  const body = (await response.json()) as ErrorBody;
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  if (message) expect(body.error.message).toMatch(message);
}

describe("POST /api/explain", () => {
  const hashCounts = new Map<string, number>();
  for (const { imageHash } of runtime.service.items) hashCounts.set(imageHash, (hashCounts.get(imageHash) ?? 0) + 1);
  const item = runtime.service.items.find((candidate) => hashCounts.get(candidate.imageHash) === 1 && candidate.gender && !candidate.blank)!;
  let photo: Uint8Array;
  const upload = () => formWith([["image", photo, "photo.jpg", "image/jpeg"]]);
  beforeAll(async () => {
    photo = await readFileBytes(runtime.service.imageFile(item.id).path);
  });

  it("explains a catalog photo against itself: cosine 1, a 7×6 grid over both 168×224 views, the catalog's own values", async () => {
    const response = await POST(explainRequest(upload(), `?id=${encodeURIComponent(item.id)}`));
    expect(response.status).toBe(200);
    const body = explainResponseSchema.parse(await response.json());
    expect(body.similarity).toBeCloseTo(1, 4);
    for (const side of [body.query, body.item]) {
      expect(side.grid).toEqual({ rows: 7, cols: 6 });
      expect(side.cells).toHaveLength(42);
      const view = await sharp(Buffer.from(side.view.replace(/^data:image\/jpeg;base64,/, ""), "base64")).metadata();
      expect({ format: view.format, width: view.width, height: view.height }).toEqual({ format: "jpeg", width: 168, height: 224 });
    }
    // The same pixels on both sides: the same heat-map.
    body.query.cells.forEach((v, i) => expect(v).toBeCloseTo(body.item.cells[i]!, 4));
    expect(body.item.id).toBe(item.id);
    // Pixel-space occlusion: a cell whose block already holds the background is not changed by the mask, so it scores exactly 0;
    // every other cell was re-embedded, and the photo's own product takes away more than nothing.
    const { preprocess } = runtime.service.model;
    const pixels = normalisePixels(await toModelPixels(photo, preprocess, { maxPixels: runtime.config.MAX_IMAGE_PIXELS }), preprocess);
    const filled = body.item.cells.map((_, cell) => isCellFilled(pixels, preprocess, body.item.grid, cell, backgroundFill(preprocess)));
    expect(filled.filter(Boolean).length).toBeGreaterThan(0);
    body.item.cells.forEach((v, cell) => (filled[cell] ? expect(v).toBe(0) : undefined));
    expect(Math.max(...body.item.cells.filter((_, cell) => !filled[cell]))).toBeGreaterThan(0.01);
    expect(body.query.region).toMatchObject({ source: "auto", x: 0, y: 0, w: 1, h: 1 });
    const { category, colour, gender } = body.agreements;
    expect([category.item, colour.item, gender.item]).toEqual([item.articleType, item.baseColour, item.gender]);
    // A model without a classifier (the backbone served alone) predicts no category: unknown, not a disagreement.
    expect(category.query === null).toBe(runtime.service.model.classifier === undefined);
    expect(category.same).toBe(category.query === null ? null : category.query === item.articleType);
    // Its own photo is among its nearest products, so the majority gender is known.
    expect(gender.query).not.toBeNull();
    expect(gender.same).toBe(gender.query === item.gender);
  });

  it("explains another result with the search's crop, scoring the cells of each photo against the other", async () => {
    const found = await (await search.POST(new Request("http://localhost/api/search?k=3&crop=none", { method: "POST", body: upload() }))).json();
    const other = (found.results as { id: string }[]).find((r) => r.id !== item.id)!;
    const response = await POST(explainRequest(upload(), `?id=${encodeURIComponent(other.id)}&crop=0.1,0.05,0.8,0.9&mode=style`));
    expect(response.status).toBe(200);
    const body = explainResponseSchema.parse(await response.json());
    expect(body.query.region).toMatchObject({ source: "user", x: 0.1, y: 0.05, w: 0.8, h: 0.9 });
    expect(body.similarity).toBeGreaterThan(0);
    expect(body.similarity).toBeLessThan(0.9999);
    // Some cells hold what the photos share.
    expect(Math.max(...body.query.cells)).toBeGreaterThan(0);
    expect(Math.max(...body.item.cells)).toBeGreaterThan(0);
    expect(body.query.cells).not.toEqual(body.item.cells);
  });

  it("answers as its OpenAPI schema says", () => {
    expectTypeOf<ReturnType<typeof toExplainResponse>>().toEqualTypeOf<Explained>();
  });

  it("400: no id, an empty id, a repeated id, a bad crop or mode, an unknown parameter", async () => {
    await expectError(await POST(explainRequest(upload(), "")), 400, "bad_request", /id is required/);
    await expectError(await POST(explainRequest(upload(), "?id=a&id=b")), 400, "bad_request");
    await expectError(await POST(explainRequest(upload(), `?id=${"x".repeat(200)}`)), 400, "bad_request", /too long/);
    await expectError(await POST(explainRequest(upload(), `?id=${item.id}&crop=0.5,0.5,0.9,0.9`)), 400, "bad_request", /crop must be/);
    await expectError(await POST(explainRequest(upload(), `?id=${item.id}&mode=loud`)), 400, "bad_request", /mode must be/);
    await expectError(await POST(explainRequest(upload(), `?id=${item.id}&k=3`)), 400, "bad_request");
  });

  it("400 without a photo, 415 for a non-image, 404 for an unknown id", async () => {
    await expectError(await POST(explainRequest(formWith([], { other: "x" }), `?id=${item.id}`)), 400, "bad_request");
    await expectError(await POST(explainRequest(formWith([["image", new TextEncoder().encode("not an image at all"), "a.txt", "text/plain"]]), `?id=${item.id}`)), 415, "unsupported_media_type");
    await expectError(await POST(explainRequest(upload(), "?id=no-such-item")), 404, "not_found");
  });
});

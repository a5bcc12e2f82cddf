import sharp from "sharp";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { formWith, pngBomb, readFileBytes, searchRequest, truncatedJpeg, useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const { POST } = await import("@/app/api/search/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const runtime = await getSearchRuntime();
const maxUploadBytes = runtime.config.MAX_UPLOAD_BYTES;

type ErrorBody = { error: { code: string; message: string } };

async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await response.json()) as ErrorBody;
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

describe("POST /api/search", () => {
  // A photo no other item shares, so rank 1 is well defined (the data set has byte-identical duplicates).
  const hashCounts = new Map<string, number>();
  for (const { imageHash } of runtime.service.items) hashCounts.set(imageHash, (hashCounts.get(imageHash) ?? 0) + 1);
  const item = runtime.service.items.find((candidate) => hashCounts.get(candidate.imageHash) === 1 && candidate.gender)!;
  let photo: Uint8Array;
  beforeAll(async () => {
    photo = await readFileBytes(runtime.service.imageFile(item.id).path);
  });

  it("finds a catalog photo's own product at rank 1", async () => {
    const response = await POST(searchRequest(formWith([["image", photo, "photo.jpg", "image/jpeg"]]), "?k=5"));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.results).toHaveLength(5);
    expect(body.results[0]).toMatchObject({ id: item.id, imageUrl: `/api/images/${encodeURIComponent(item.id)}` });
    expect(Object.keys(body.tookMs).sort()).toEqual(["decode", "embed", "region", "search", "total"]);
    expect(body.predicted === null || Array.isArray(body.predicted)).toBe(true);
    expect(body).toMatchObject({ mode: "balanced", region: { source: "auto" } });
  });

  it("searches the user's crop and says so; crop=none searches the whole photo", async () => {
    const cropped = await (await POST(searchRequest(formWith([["image", photo, "photo.jpg", "image/jpeg"]]), "?k=3&crop=0.1,0.2,0.5,0.6&mode=style"))).json();
    expect(cropped).toMatchObject({ mode: "style", region: { x: 0.1, y: 0.2, w: 0.5, h: 0.6, source: "user" } });
    const whole = await (await POST(searchRequest(formWith([["image", photo, "photo.jpg", "image/jpeg"]]), "?k=3&crop=none"))).json();
    expect(whole.region).toMatchObject({ x: 0, y: 0, w: 1, h: 1, source: "none" });
    expect(whole.results[0].id).toBe(item.id);
  });

  it("applies filters inside the search", async () => {
    const response = await POST(
      searchRequest(formWith([["image", photo, "photo.jpg", "image/jpeg"]]), `?k=3&gender=${encodeURIComponent(item.gender)}`),
    );
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(body.results.every((r: { gender: string }) => r.gender === item.gender)).toBe(true);
  });

  it("400: no file at all", async () => {
    await expectError(await POST(searchRequest(formWith([], { k: "3" }))), 400, "bad_request");
  });

  it("400: the photo in the wrong field, and the message names the right one", async () => {
    const body = await expectError(await POST(searchRequest(formWith([["photo", photo, "a.jpg", "image/jpeg"]]))), 400, "bad_request");
    expect(body.error.message).toMatch(/"image"/);
  });

  it("400: several files in image", async () => {
    const form = formWith([
      ["image", photo, "a.jpg", "image/jpeg"],
      ["image", photo, "b.jpg", "image/jpeg"],
    ]);
    await expectError(await POST(searchRequest(form)), 400, "bad_request");
  });

  it("415: not multipart at all", async () => {
    await expectError(await POST(searchRequest(photo.slice(), "", { "content-type": "image/jpeg" })), 415, "unsupported_media_type");
  });

  it("415: random bytes sent as image/jpeg", async () => {
    const noise = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    await expectError(await POST(searchRequest(formWith([["image", noise, "x.jpg", "image/jpeg"]]))), 415, "unsupported_media_type");
  });

  it("415: a text file renamed .jpg", async () => {
    const text = new TextEncoder().encode("just some notes, not a photo\n");
    await expectError(await POST(searchRequest(formWith([["image", text, "notes.jpg", "image/jpeg"]]))), 415, "unsupported_media_type");
  });

  it("422: a truncated JPEG", async () => {
    const cut = await truncatedJpeg();
    await expectError(await POST(searchRequest(formWith([["image", cut, "cut.jpg", "image/jpeg"]]))), 422, "unprocessable_image");
  });

  it("413: a 30000×30000 PNG decompression bomb, refused from its header", async () => {
    const bomb = pngBomb();
    expect(bomb.byteLength).toBeLessThan(200_000);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ width: 30000, height: 30000, format: "png" });
    await expectError(await POST(searchRequest(formWith([["image", bomb, "bomb.png", "image/png"]]))), 413, "payload_too_large");
  });

  it("413: a body over MAX_UPLOAD_BYTES, refused from Content-Length", async () => {
    const big = new Uint8Array(maxUploadBytes + 1024);
    const request = searchRequest(formWith([["image", big, "big.jpg", "image/jpeg"]]));
    expect(Number(request.headers.get("content-length") ?? (await request.clone().arrayBuffer()).byteLength)).toBeGreaterThan(maxUploadBytes);
    await expectError(await POST(request), 413, "payload_too_large");
  });

  it("413: a streamed body without Content-Length stops being read past the limit", async () => {
    const chunk = new Uint8Array(256 * 1024);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request("http://localhost/api/search", {
      method: "POST",
      body,
      headers: { "content-type": "multipart/form-data; boundary=x" },
      duplex: "half",
    } as RequestInit);
    await expectError(await POST(request), 413, "payload_too_large");
    expect(pulled).toBeLessThan(maxUploadBytes + 2 * 1024 * 1024);
  });

  it.each(["crop=0.5,0.5,0.6,0.2", "crop=0.1,0.1,0,0.5", "crop=0.1,0.1,0.5", "crop=-0.1,0,0.5,0.5", "crop=1e-1,0,0.5,0.5", "crop=center", "crop=auto&crop=none", "mode=red"])(
    "400: a bad crop or mode (%s), with the rule in the message",
    async (query) => {
      const body = await expectError(await POST(searchRequest(formWith([["image", photo, "a.jpg", "image/jpeg"]]), `?${query}`)), 400, "bad_request");
      expect(body.error.message).toMatch(/crop must be|mode must be/);
    },
  );

  it.each(["k=0", "k=1000000", "k=abc", "k=2.5", "k=1&k=2", "colour=Red"])("400: bad query parameters (%s)", async (query) => {
    await expectError(await POST(searchRequest(formWith([["image", photo, "a.jpg", "image/jpeg"]]), `?${query}`)), 400, "bad_request");
  });

  it("400: an unknown filter value, with the allowed values", async () => {
    const body = await expectError(
      await POST(searchRequest(formWith([["image", photo, "a.jpg", "image/jpeg"]]), "?articleType=Spaceships")),
      400,
      "bad_request",
    );
    expect(body.error.message).toContain(item.articleType);
  });

  it("503 with Retry-After when the inference queue is full", async () => {
    const release: (() => void)[] = [];
    // Every slot running (INFERENCE_CONCURRENCY) and every waiting place taken (INFERENCE_QUEUE_LIMIT).
    const blockers = Array.from({ length: runtime.config.INFERENCE_CONCURRENCY + runtime.config.INFERENCE_QUEUE_LIMIT }, () =>
      runtime.queue.run(() => new Promise<void>((resolve) => release.push(resolve))),
    );
    try {
      const response = await POST(searchRequest(formWith([["image", photo, "a.jpg", "image/jpeg"]])));
      expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
      await expectError(response, 503, "overloaded");
    } finally {
      // Each blocker registers its resolver only once it runs; release them one by one.
      for (const blocker of blockers) {
        await vi.waitFor(() => expect(release.length).toBeGreaterThan(0));
        release.shift()?.();
        await blocker;
      }
    }
  });
});

import { beforeAll, describe, expect, it, vi } from "vitest";
import { formWith, readFileBytes, searchRequest, useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const { POST } = await import("@/app/api/search/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { bandOf } = await import("@/lib/search/match-quality");
const { MIN_QUALITY_MESSAGE } = await import("@/lib/share/quality-param");
const runtime = await getSearchRuntime();

type Result = { id: string; score: number; quality: number; band: string };
type Body = { results: Result[]; noCloseMatch: boolean; qualityCalibrated: boolean; error?: { code: string; message: string } };

describe("POST /api/search: match quality", () => {
  let photo: Uint8Array;
  beforeAll(async () => {
    photo = await readFileBytes(runtime.service.imageFile(runtime.service.items[0]!.id).path);
  });
  const search = async (query: string) => {
    const response = await POST(searchRequest(formWith([["image", photo, "photo.jpg", "image/jpeg"]]), query));
    return { status: response.status, body: (await response.json()) as Body };
  };

  it("gives each result a quality in [0, 1] and its band, best first; score stays the cosine", async () => {
    const { status, body } = await search("?k=20");
    expect(status).toBe(200);
    expect(typeof body.noCloseMatch).toBe("boolean");
    expect(typeof body.qualityCalibrated).toBe("boolean");
    expect(body.results).toHaveLength(20);
    for (const r of body.results) {
      expect(r.quality).toBeGreaterThanOrEqual(0);
      expect(r.quality).toBeLessThanOrEqual(1);
      expect(r.band).toBe(bandOf(r.quality));
      expect(r.score).toBeGreaterThanOrEqual(-1);
      expect(r.score).toBeLessThanOrEqual(1 + 1e-5); // float32 rounding of a self-match
    }
    const qualities = body.results.map((r) => r.quality);
    expect(qualities).toEqual([...qualities].sort((a, b) => b - a));
    expect(body.noCloseMatch).toBe(!body.results.some((r) => r.band !== "weak"));
  });

  it("minQuality leaves out the results under it, and says so of none", async () => {
    const all = (await search("?k=20")).body.results;
    const cut = all[Math.floor(all.length / 2)]!.quality;
    const { status, body } = await search(`?k=20&minQuality=${cut.toFixed(6)}`);
    expect(status).toBe(200);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.length).toBeLessThan(all.length);
    expect(body.results.every((r) => r.quality >= Number(cut.toFixed(6)))).toBe(true);
  });

  it.each(["abc", "1.5", "-0.2", "50%"])("400 for minQuality=%s, with the message", async (value) => {
    const { status, body } = await search(`?k=5&minQuality=${encodeURIComponent(value)}`);
    expect({ status, code: body.error?.code, message: body.error?.message }).toEqual({ status: 400, code: "bad_request", message: MIN_QUALITY_MESSAGE });
  });
});

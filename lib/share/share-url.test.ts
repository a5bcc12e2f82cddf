import { describe, expect, it } from "vitest";
import { encodeQueryParam } from "./query-param";
import { buildShareHref, parseShareParams } from "./share-url";

const query = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 1, 2, 3]);

describe("share URL", () => {
  it("puts q, k and the set filters in a fixed order", () => {
    const href = buildShareHref({ query, k: 12, filters: { gender: "Women", articleType: "Casual Shoes" } });
    expect(href).toBe(`/search?q=${encodeQueryParam(query)}&k=12&articleType=Casual+Shoes&gender=Women`);
  });

  it("parses back what it built", () => {
    const href = buildShareHref({ query, k: 7, filters: { baseColour: "Navy Blue" } });
    const parsed = parseShareParams(new URL(href, "http://x").searchParams);
    expect(parsed).toEqual({ query, k: 7, filters: { baseColour: "Navy Blue" }, region: { source: "auto" }, mode: "balanced" });
    expect(buildShareHref(parsed)).toBe(href);
  });

  it("carries a user crop and a mode, and leaves the defaults out", () => {
    const region = { source: "user" as const, box: { x: 0.25, y: 0.1, w: 0.5, h: 0.8 } };
    const href = buildShareHref({ query, k: 10, filters: {}, region, mode: "colour" });
    expect(href).toBe(`/search?q=${encodeQueryParam(query)}&k=10&crop=0.25%2C0.1%2C0.5%2C0.8&mode=colour`);
    expect(parseShareParams(new URL(href, "http://x").searchParams)).toMatchObject({ region, mode: "colour" });
    expect(buildShareHref({ query, k: 10, filters: {}, region: { source: "auto" }, mode: "balanced" })).toBe(`/search?q=${encodeQueryParam(query)}&k=10`);
  });

  it("carries the words, with a photo or alone, and parses them back", () => {
    const both = buildShareHref({ query, text: "puma shoes", k: 10 });
    expect(both).toBe(`/search?q=${encodeQueryParam(query)}&text=puma+shoes&k=10`);
    expect(parseShareParams(new URL(both, "http://x").searchParams)).toMatchObject({ query, text: "puma shoes" });
    const alone = buildShareHref({ text: "red dress", k: 10 });
    expect(alone).toBe("/search?text=red+dress&k=10");
    const parsed = parseShareParams(new URL(alone, "http://x").searchParams);
    expect(parsed.query).toBeUndefined();
    expect(parsed.text).toBe("red dress");
    expect(() => parseShareParams({ text: "?!", k: "10" })).toThrow(/no letters or digits/);
  });

  it("refuses a link without a photo or with a bad k", () => {
    expect(() => parseShareParams({ k: "5" })).toThrow(expect.objectContaining({ code: "bad_request" }));
    expect(() => parseShareParams({ q: encodeQueryParam(query), k: "0" })).toThrow(/k must be/);
  });
});

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
    expect(parsed).toEqual({ query, k: 7, filters: { baseColour: "Navy Blue" } });
    expect(buildShareHref(parsed)).toBe(href);
  });

  it("refuses a link without a photo or with a bad k", () => {
    expect(() => parseShareParams({ k: "5" })).toThrow(expect.objectContaining({ code: "bad_request" }));
    expect(() => parseShareParams({ q: encodeQueryParam(query), k: "0" })).toThrow(/k must be/);
  });
});

import { describe, expect, it } from "vitest";
import { encodeQueryParam } from "./query-param";
import { parseSearchParams } from "./search-params";
import { buildShareHref, parseShareParams } from "./share-url";

const query = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 1, 2, 3]);

describe("paging and feedback parameters", () => {
  it("round-trip through the share URL in a fixed order", () => {
    const search = { query, k: 10, filters: {}, sort: "name" as const, offset: 20, feedback: { positive: ["15970", "39386"], negative: ["59263"] } };
    const href = buildShareHref(search);
    expect(href).toBe(`/search?q=${encodeQueryParam(query)}&k=10&sort=name&offset=20&positive=15970%2C39386&negative=59263`);
    const parsed = parseShareParams(new URL(href, "http://x").searchParams);
    expect(parsed).toMatchObject({ sort: "name", offset: 20, feedback: search.feedback });
    expect(buildShareHref(parsed)).toBe(href);
  });

  it("leave a plain search's options and URL as they were", () => {
    expect(parseSearchParams(new URLSearchParams("k=5&offset=0&sort=match"))).toEqual({ k: 5, filters: {}, region: { source: "auto" }, mode: "balanced" });
  });

  it("keep one feedback list when only one is given, without repeats", () => {
    expect(parseSearchParams(new URLSearchParams("negative=a,b,a")).feedback).toEqual({ positive: [], negative: ["a", "b"] });
  });

  it("refuse bad values with a clear message", () => {
    for (const [params, message] of [
      ["offset=-1", /offset must be a whole number/],
      ["offset=1e2", /offset must be a whole number/],
      ["offset=500", /k \+ offset at most 500/],
      ["sort=price", /sort must be one of match, name/],
      ["positive=a,,b", /positive must be comma-separated item ids, none empty/],
      [`negative=${Array.from({ length: 21 }, (_, i) => `id${i}`).join(",")}`, /negative holds 21 ids; at most 20/],
    ] as const) {
      expect(() => parseSearchParams(new URLSearchParams(params))).toThrow(expect.objectContaining({ code: "bad_request", message: expect.stringMatching(message) }));
    }
  });
});

describe("item page URL", async () => {
  const { buildItemHref, parseItemParams } = await import("./item-url");

  it("round-trips filters, paging and feedback, and stays bare without them", () => {
    const browse = { filters: { gender: "Men" }, offset: 10, sort: "name" as const, feedback: { positive: ["7"], negative: [] } };
    const href = buildItemHref("15970", browse);
    expect(href).toBe("/items/15970?gender=Men&sort=name&offset=10&positive=7");
    expect(parseItemParams(new URL(href, "http://x").searchParams)).toEqual(browse);
    expect(buildItemHref("15970", { filters: {} })).toBe("/items/15970");
  });
});

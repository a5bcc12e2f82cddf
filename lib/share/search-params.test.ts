import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseSearchParams, toParamRecord } from "./search-params";

describe("toParamRecord", () => {
  it("drops empty values and keeps repeated keys as arrays", () => {
    const record = toParamRecord(new URLSearchParams("k=5&gender=&articleType=A&articleType=B"));
    expect(record).toEqual({ k: "5", articleType: ["A", "B"] });
  });

  it("accepts the record Next hands to pages", () => {
    expect(toParamRecord({ k: "3", gender: undefined, baseColour: "" })).toEqual({ k: "3" });
  });
});

describe("parseSearchParams", () => {
  it("defaults k to 10 and keeps set filters only", () => {
    expect(parseSearchParams(new URLSearchParams("gender=Men"))).toEqual({
      k: 10,
      filters: { gender: "Men" },
      region: { source: "auto" },
      mode: "balanced",
    });
  });

  it("reads crop and mode, and refuses a bad one with a bad_request", () => {
    expect(parseSearchParams(new URLSearchParams("crop=0.1,0.1,0.5,0.5&mode=colour"))).toMatchObject({
      region: { source: "user", box: { x: 0.1, y: 0.1, w: 0.5, h: 0.5 } },
      mode: "colour",
    });
    expect(() => parseSearchParams(new URLSearchParams("crop=0.5,0.5,0.6,0.1"))).toThrow(expect.objectContaining({ code: "bad_request", message: expect.stringMatching(/^crop must be/) }));
    expect(() => parseSearchParams(new URLSearchParams("mode=red"))).toThrow(expect.objectContaining({ code: "bad_request", message: expect.stringMatching(/^mode must be/) }));
  });

  it.each(["0", "101", "abc", "1.5", "-3", "1000000", "1e2", "0x10", " 5", "5.0", "Infinity"])("refuses k=%s with a bad_request", (k) => {
    expect(() => parseSearchParams(new URLSearchParams({ k }))).toThrow(
      expect.objectContaining({ code: "bad_request", message: "k must be a whole number from 1 to 100" }),
    );
  });

  it("refuses a repeated filter", () => {
    expect(() => parseSearchParams(new URLSearchParams("gender=Men&gender=Women"))).toThrow(AppError);
  });

  it("ignores unknown parameters (shared links pick up tracking ones)", () => {
    expect(parseSearchParams({ utm_source: "x", k: "2" })).toMatchObject({ k: 2, filters: {} });
  });
});

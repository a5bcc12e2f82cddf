import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { MIN_QUALITY_MESSAGE, parseMinQuality } from "./quality-param";

const parse = (query: string) => parseMinQuality(new URLSearchParams(query));

describe("parseMinQuality", () => {
  it("reads a decimal from 0 to 1; absent or empty is undefined", () => {
    expect(["minQuality=0", "minQuality=0.5", "minQuality=.9", "minQuality=1", "minQuality=1.0"].map(parse)).toEqual([0, 0.5, 0.9, 1, 1]);
    expect(parse("")).toBeUndefined();
    expect(parse("minQuality=")).toBeUndefined();
  });

  it.each(["1.5", "-0.1", "50%", "1e-1", "abc", "0x1", "2"])("refuses %s with the one message", (value) => {
    expect(() => parse(`minQuality=${encodeURIComponent(value)}`)).toThrow(new AppError("bad_request", MIN_QUALITY_MESSAGE));
  });

  it("refuses a repeated value", () => {
    expect(() => parse("minQuality=0.5&minQuality=0.6")).toThrow(AppError);
  });
});

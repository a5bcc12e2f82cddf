import { describe, expect, it } from "vitest";
import { benchNames } from "./result";
import { selectBenches } from "./select";

describe("selectBenches", () => {
  it("runs everything by default and keeps the canonical order", () => {
    expect(selectBenches(undefined)).toEqual([...benchNames]);
    expect(selectBenches("embed, search")).toEqual(["search", "embed"]);
  });

  it("refuses unknown or empty names", () => {
    expect(() => selectBenches("search,serch")).toThrow(/unknown benchmark serch/);
    expect(() => selectBenches(",")).toThrow(/unknown benchmark/);
  });
});

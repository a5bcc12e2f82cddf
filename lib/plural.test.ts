import { describe, expect, it } from "vitest";
import { formatCount } from "./plural";

describe("formatCount", () => {
  it("uses the singular for exactly one, the plural otherwise", () => {
    expect(formatCount(1, "product")).toBe("1 product");
    expect(formatCount(0, "product")).toBe("0 products");
    expect(formatCount(2, "product")).toBe("2 products");
    expect(formatCount(1, "category", "categories")).toBe("1 category");
    expect(formatCount(5, "category", "categories")).toBe("5 categories");
  });

  it("groups thousands", () => {
    expect(formatCount(40359, "product")).toBe("40,359 products");
  });
});

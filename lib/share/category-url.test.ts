import { describe, expect, it } from "vitest";
import { buildCategoryHref, parseCategoryParams } from "./category-url";

describe("category page URL", () => {
  it("round-trips the filters and the page, in the canonical order, defaults left out", () => {
    const href = buildCategoryHref("Casual Shoes", { filters: { baseColour: "Black", gender: "Men" }, page: 2 });
    expect(href).toBe("/categories/Casual%20Shoes?gender=Men&baseColour=Black&page=2");
    expect(parseCategoryParams(new URL(href, "http://x").searchParams)).toEqual({ filters: { gender: "Men", baseColour: "Black" }, page: 2 });
    expect(buildCategoryHref("Tops", { filters: { gender: undefined }, page: 1 })).toBe("/categories/Tops");
  });

  it("never puts the category's own articleType in its query", () => {
    expect(buildCategoryHref("Tops", { filters: { articleType: "Shirts", gender: "Women" } })).toBe("/categories/Tops?gender=Women");
    expect(parseCategoryParams({ articleType: "Shirts" }).filters).toEqual({});
  });

  it.each(["0", "-1", "1.5", "x", "1e3"])("refuses page=%s with a clear bad_request", (page) => {
    expect(() => parseCategoryParams({ page })).toThrow(expect.objectContaining({ code: "bad_request", message: "page must be a whole number from 1" }));
  });

  it("refuses a repeated filter rather than taking one of them", () => {
    expect(() => parseCategoryParams(new URLSearchParams("gender=Men&gender=Women"))).toThrow(expect.objectContaining({ code: "bad_request" }));
  });
});

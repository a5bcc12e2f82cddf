import { describe, expect, it } from "vitest";
import { foldText, indexTerms, queryTerms, stemTerm } from "./tokenise";
import { textQueryProblem } from "./text-query";

describe("foldText", () => {
  it("folds case, diacritics and apostrophes", () => {
    expect(foldText("Café CRÈME Women's")).toBe("cafe creme womens");
  });
});

describe("stemTerm", () => {
  it("reduces plurals to one stem and leaves other words", () => {
    expect(["shoes", "shoe", "watches", "dresses", "dress", "accessories", "tshirts", "jeans", "men", "2012", "bus"].map(stemTerm)).toEqual([
      "shoe", "shoe", "watch", "dress", "dress", "accessory", "tshirt", "jean", "men", "2012", "bus",
    ]);
  });
});

describe("indexTerms and queryTerms", () => {
  it("index a hyphenated word as its parts and as one word; a query keeps it as one", () => {
    expect(indexTerms("Nike T-Shirts")).toEqual(["nike", "t", "shirt", "tshirt"]);
    expect(queryTerms("t-shirt")).toEqual(["tshirt"]);
    expect(queryTerms("  Puma,  SHOES! ")).toEqual(["puma", "shoe"]);
  });
});

describe("textQueryProblem", () => {
  it("names what cannot be searched", () => {
    expect(textQueryProblem("   ")).toMatch(/empty/);
    expect(textQueryProblem("x".repeat(201))).toMatch(/too long/);
    expect(textQueryProblem("!!! ???")).toMatch(/no letters or digits/);
    expect(textQueryProblem(Array.from({ length: 13 }, (_, i) => `w${i}`).join(" "))).toMatch(/too many words/);
    expect(textQueryProblem("puma shoes")).toBeUndefined();
  });
});

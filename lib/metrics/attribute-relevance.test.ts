import { describe, expect, it } from "vitest";
import { createAttributeRelevances, evaluateUnderRelevances, type AttributedItem } from "./attribute-relevance";
import { toColourFamily } from "./colour-families";

const item = (label: string, baseColour: string, gender = "Men"): AttributedItem => ({ label, baseColour, gender });

// A grey men's T-shirt and its ranked results, best first.
const query = item("Tshirts", "Grey");
const results = [
  item("Tshirts", "Grey"), // type ✓ colour ✓ gender ✓
  item("Tshirts", "White", "Women"), // type ✓
  item("Shirts", "Grey"), // colour ✓ gender ✓
  item("Tshirts", "Grey Melange"), // type ✓ gender ✓, colour family ✓
  item("Tshirts", ""), // type ✓ gender ✓; no colour
];

describe("createAttributeRelevances", () => {
  it("judges each ranked result by type, type+colour, type+gender, colour and colour families", () => {
    const flags = Object.fromEntries(createAttributeRelevances("articleType").map((r) => [r.key, results.map((x) => r.isRelevant(query, x))]));
    expect(flags).toEqual({
      type: [true, true, false, true, true],
      "type+colour": [true, false, false, false, false],
      "type+gender": [true, false, false, true, true],
      colour: [true, false, true, false, false],
      "type+colour family": [true, false, false, true, false],
      "colour family": [true, false, true, true, false],
    });
  });

  it("never counts an empty colour as a match, as query or as result", () => {
    const [, typeColour, , colour, , family] = createAttributeRelevances("articleType");
    const blank = item("Tshirts", "");
    for (const r of [typeColour!, colour!, family!]) {
      expect(r.isRelevant(blank, blank)).toBe(false);
      expect(r.isRelevant(blank, item("Tshirts", "Grey"))).toBe(false);
      expect(r.isRelevant(item("Tshirts", "NA"), item("Tshirts", "NA"))).toBe(false);
    }
  });
});

describe("evaluateUnderRelevances", () => {
  it("gives P@5 and mAP@10 of the same lists under each relevance", () => {
    const metrics = evaluateUnderRelevances([{ query, results, label: "Tshirts" }], createAttributeRelevances("articleType"));
    const byKey = Object.fromEntries(metrics.map((m) => [m.key, m.overall]));
    expect(byKey.type!.pAt5).toBeCloseTo(4 / 5, 9);
    // AP@10 over relevant ranks 1, 2, 4, 5: (1 + 1 + 3/4 + 4/5) / 4.
    expect(byKey.type!.mapAt10).toBeCloseTo((1 + 1 + 0.75 + 0.8) / 4, 9);
    expect(byKey["type+colour"]!.pAt5).toBeCloseTo(1 / 5, 9);
    expect(byKey["type+colour"]!.mapAt10).toBeCloseTo(1, 9);
    expect(byKey.colour!.pAt5).toBeCloseTo(2 / 5, 9);
    // Relevant at ranks 1 and 3: (1 + 2/3) / 2.
    expect(byKey.colour!.mapAt10).toBeCloseTo((1 + 2 / 3) / 2, 9);
    expect(metrics[0]!.perLabel).toEqual([{ label: "Tshirts", queries: 1, pAt5: 0.8 }]);
  });
});

describe("toColourFamily", () => {
  it("groups near names, keeps unlisted names apart and gives nothing for no colour", () => {
    expect(toColourFamily("Navy Blue")).toBe(toColourFamily("Blue"));
    expect(toColourFamily("Off White")).toBe(toColourFamily("Cream"));
    expect(toColourFamily("Off White")).not.toBe(toColourFamily("Grey"));
    expect(toColourFamily("Ultraviolet")).toBe("ultraviolet");
    expect(toColourFamily("")).toBeNull();
    expect(toColourFamily("NA")).toBeNull();
  });
});

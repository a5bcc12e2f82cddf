import { describe, expect, it } from "vitest";
import { fitColourNames, nameColour } from "./colour-names";

describe("colour names", () => {
  // Four 2-float "descriptors": two reds near [1, 0], two blues near [0, 1], one unnamed, one rare name.
  const colours = Float32Array.from([1, 0, 0.8, 0.6, 0, 1, 0.6, 0.8, 0.7, 0.7, 0.7, 0.7]);
  const names = ["Red", "Red", "Blue", "Blue", "", "Green"];

  it("averages each name's descriptors to a unit centroid and drops rare and empty names", () => {
    const fitted = fitColourNames(colours, names, "baseColour", 2)!;
    expect(fitted.labels).toEqual(["Blue", "Red"]);
    expect(fitted.centroids[1]![0]).toBeCloseTo(1.8 / Math.hypot(1.8, 0.6), 6);
    expect(Math.hypot(...fitted.centroids[0]!)).toBeCloseTo(1, 6);
  });

  it("names a descriptor by its nearest centroid", () => {
    const fitted = fitColourNames(colours, names, "baseColour", 2)!;
    expect(nameColour([0.95, 0.1], fitted).label).toBe("Red");
    expect(nameColour([0.1, 0.95], fitted).label).toBe("Blue");
  });

  it("gives no names when the column names fewer than two colours", () => {
    expect(fitColourNames(colours, ["", "", "", "", "", ""], "baseColour")).toBeUndefined();
  });
});

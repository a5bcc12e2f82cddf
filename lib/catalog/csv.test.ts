import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseStylesCsv, toCatalogFields } from "./csv";

const header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName";
const shirt = "15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt";
const jeans = "39386,Men,Apparel,Bottomwear,Jeans,Blue,Summer,2012,Casual,Peter England Men Party Blue Jeans";

function csv(...lines: string[]): string {
  return `${[header, ...lines].join("\n")}\n`;
}

describe("parseStylesCsv", () => {
  it("parses clean rows into string-typed rows", () => {
    const result = parseStylesCsv(csv(shirt, jeans));
    expect(result.issues).toEqual([]);
    expect(result.recordCount).toBe(2);
    expect(result.rows.map((r) => r.id)).toEqual(["15970", "39386"]);
    expect(result.rows[0]).toMatchObject({ articleType: "Shirts", year: "2011", productDisplayName: "Turtle Check Men Navy Blue Shirt" });
    expect(result.columns).toEqual(header.split(","));
  });

  it("rejoins a name holding unquoted commas and reports it", () => {
    const line = "3413,Men,Apparel,Topwear,Tshirts,White,Summer,2011,Casual,Myntra Men's Yes, its all about me White T-shirt";
    const twoCommas = "23101,Men,Accessories,Accessories,Tie,Pink,Fall,2011,Formal,Turtle Tie, Cufflink, and Square Set";
    const result = parseStylesCsv(csv(shirt, line, twoCommas));
    expect(result.rows.find((r) => r.id === "3413")?.productDisplayName).toBe("Myntra Men's Yes, its all about me White T-shirt");
    expect(result.rows.find((r) => r.id === "23101")?.productDisplayName).toBe("Turtle Tie, Cufflink, and Square Set");
    const issues = result.issues.filter((i) => i.kind === "recovered_name");
    expect(issues.map((i) => [i.id, i.line])).toEqual([["3413", 3], ["23101", 4]]);
  });

  it("tolerates a BOM and CRLF line endings", () => {
    const result = parseStylesCsv(`\uFEFF${header}\r\n${shirt}\r\n${jeans}\r\n`);
    expect(result.issues).toEqual([]);
    expect(result.rows.map((r) => r.id)).toEqual(["15970", "39386"]);
    expect(result.rows[1]?.productDisplayName).toBe("Peter England Men Party Blue Jeans");
  });

  it("keeps quoted commas and newlines inside a value and counts lines right after it", () => {
    const quoted = '1001,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,"Shirt, blue\nsecond line"';
    const bad = "abc,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,x";
    const result = parseStylesCsv(csv(quoted, "", bad));
    expect(result.rows[0]?.productDisplayName).toBe("Shirt, blue\nsecond line");
    // header 1, quoted record 2-3, blank line 4, bad record 5
    expect(result.issues).toEqual([expect.objectContaining({ kind: "invalid_id", line: 5, id: "abc" })]);
  });

  it("keeps a literal quote inside an unquoted value", () => {
    const line = "7491,Women,Apparel,Bottomwear,Shorts,Pink,Summer,2011,Sports,Nike Women's EM Tempo 3.5\" Pink Short";
    const result = parseStylesCsv(csv(line));
    expect(result.issues).toEqual([]);
    expect(result.rows[0]?.productDisplayName).toBe('Nike Women\'s EM Tempo 3.5" Pink Short');
  });

  it("throws bad_request naming every missing column", () => {
    const text = "id,gender,masterCategory,subCategory,baseColour,season,year,usage\n1,Men,A,B,Red,Fall,2011,Casual\n";
    let error: unknown;
    try {
      parseStylesCsv(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("bad_request");
    expect((error as AppError).message).toMatch(/missing required column\(s\): articleType, productDisplayName/);
  });

  it("throws bad_request on an empty file", () => {
    expect(() => parseStylesCsv("")).toThrow(AppError);
    expect(() => parseStylesCsv("\uFEFF\n\n")).toThrow(/empty/);
  });

  it("keeps the first of duplicate ids and reports the rest", () => {
    const again = shirt.replace("Navy Blue Shirt", "Other Shirt");
    const result = parseStylesCsv(csv(shirt, jeans, again));
    expect(result.rows.map((r) => r.id)).toEqual(["15970", "39386"]);
    expect(result.rows[0]?.productDisplayName).toBe("Turtle Check Men Navy Blue Shirt");
    expect(result.issues).toEqual([expect.objectContaining({ kind: "duplicate_id", id: "15970", line: 4 })]);
  });

  it("skips empty, blank and non-numeric ids, trimming whitespace around valid ones", () => {
    const lines = [
      ",Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,No id",
      "   ,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Blank id",
      "12a,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Bad id",
      "-5,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Negative id",
      " 42 ,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Padded id",
    ];
    const result = parseStylesCsv(csv(...lines));
    expect(result.rows.map((r) => r.id)).toEqual(["42"]);
    expect(result.issues.map((i) => [i.kind, i.line, i.id])).toEqual([
      ["invalid_id", 2, undefined],
      ["invalid_id", 3, undefined],
      ["invalid_id", 4, "12a"],
      ["invalid_id", 5, "-5"],
    ]);
    expect(result.recordCount).toBe(5);
  });

  it("keeps empty optional fields as empty strings and counts them per column", () => {
    const lines = [
      "5402,Women,Footwear,Shoes,Sports Shoes,Purple,,2011,Sports,Kalenji Ekiden 200",
      "53781,Men,Apparel,Topwear,Tshirts,Blue,,,Sports,Puma Men Blue T-shirt",
      "28319,Men,Footwear,Sandal,Sandals,,Winter,2018,,RTV_LoadTest",
    ];
    const result = parseStylesCsv(csv(shirt, ...lines));
    expect(result.rows).toHaveLength(4);
    expect(result.rows[2]).toMatchObject({ id: "53781", season: "", year: "", usage: "Sports" });
    expect(result.emptyFields).toEqual({ season: 2, year: 1, baseColour: 1, usage: 1 });
    const empty = result.issues.filter((i) => i.kind === "empty_field");
    expect(empty.map((i) => [i.id, i.columns])).toEqual([
      ["5402", ["season"]],
      ["53781", ["season", "year"]],
      ["28319", ["baseColour", "usage"]],
    ]);
  });

  it("skips and reports records with too few fields", () => {
    const result = parseStylesCsv(csv(shirt, "99,Men,Apparel,Topwear", jeans));
    expect(result.rows.map((r) => r.id)).toEqual(["15970", "39386"]);
    expect(result.issues).toEqual([
      expect.objectContaining({ kind: "too_few_fields", line: 3, id: "99", message: expect.stringMatching(/4 fields, expected 10/) }),
    ]);
  });

  it("skips and reports a record with an unterminated quote", () => {
    const result = parseStylesCsv(csv(shirt, '77,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,"Broken'));
    expect(result.rows.map((r) => r.id)).toEqual(["15970"]);
    expect(result.issues.map((i) => i.kind)).toEqual(["malformed_quotes"]);
  });

  it("reads columns by name, keeps unknown columns and recovers the name wherever it sits", () => {
    const text =
      "productDisplayName,id,articleType,gender,masterCategory,subCategory,baseColour,season,year,usage,brand\n" +
      "Shirt, with comma,7,Shirts,Men,Apparel,Topwear,Blue,Fall,2011,Casual,Turtle\n";
    const result = parseStylesCsv(text);
    expect(result.rows[0]).toMatchObject({ id: "7", productDisplayName: "Shirt, with comma", brand: "Turtle" });
    expect(result.issues.map((i) => [i.kind, i.id])).toEqual([["recovered_name", "7"]]);
  });
});

describe("toCatalogFields", () => {
  it("keeps exactly the catalog's fields", () => {
    const text = `${header},brand\n${shirt},Turtle\n`;
    const [row] = parseStylesCsv(text).rows;
    expect(row).toMatchObject({ id: "15970", baseColour: "Navy Blue", brand: "Turtle" });
    const fields = toCatalogFields(row!);
    expect(Object.keys(fields)).toEqual(header.split(","));
    expect(fields).toMatchObject({ id: "15970", baseColour: "Navy Blue" });
  });
});

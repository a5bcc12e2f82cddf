import { describe, expect, it } from "vitest";
import { decodeQueryParam, encodeQueryParam, MAX_QUERY_CHARS, queryImageType } from "./query-param";

const webp = new Uint8Array([...Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 ", "latin1"), 1, 2, 3, 250, 251]);
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0xfe, 0xff]);

describe("query param", () => {
  it("round-trips WebP and JPEG bytes through URL-safe text", () => {
    for (const bytes of [webp, jpeg]) {
      const q = encodeQueryParam(bytes);
      expect(q).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeQueryParam(q)).toEqual(bytes);
    }
    expect(queryImageType(webp)).toBe("image/webp");
    expect(queryImageType(jpeg)).toBe("image/jpeg");
  });

  it.each([
    ["missing", undefined, /no query photo/],
    ["empty", "", /no query photo/],
    ["repeated", ["a", "b"], /no query photo/],
    ["not base64url", "abc+/==", /damaged/],
    ["impossible length", "AAAAA", /damaged/],
    ["not an image", encodeQueryParam(new TextEncoder().encode("hello, world")), /damaged/],
    ["too long", "A".repeat(MAX_QUERY_CHARS + 1), /too large/],
  ])("refuses a %s q with a friendly bad_request", (_, q, message) => {
    expect(() => decodeQueryParam(q)).toThrow(expect.objectContaining({ code: "bad_request", message: expect.stringMatching(message) }));
  });
});

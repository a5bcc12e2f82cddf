import { describe, expect, it } from "vitest";
import { checkRequestLine } from "./request-guard";

describe("checkRequestLine", () => {
  it.each(["TRACE", "CONNECT", "TRACK", "PROPFIND", "PUT", "FOO"])("405 for %s", (method) => {
    expect(checkRequestLine(method, "/api/health")).toMatchObject({ code: "method_not_allowed" });
  });
  it.each(["/%E0%A4%A", "/api/images/%E0%A4%A", "/%FF", "/%", "/categories/%C3"])("400 for the undecodable path %s", (path) => {
    expect(checkRequestLine("GET", path)).toMatchObject({ code: "bad_request" });
  });
  it.each([["GET", "/"], ["post", "/api/search"], ["GET", "/categories/T%C3%B6pfe"], ["DELETE", "/api/items/%2E%2E"], ["OPTIONS", "/api/health"]])("passes %s %s", (method, path) => {
    expect(checkRequestLine(method, path)).toBeUndefined();
  });
});

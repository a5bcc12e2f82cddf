import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installHttpGuard } from "./http-guard";

let server: http.Server;
let port: number;
let handled: string[] = [];

beforeAll(async () => {
  installHttpGuard();
  server = http.createServer((request, response) => {
    handled.push(`${request.method} ${request.url}`);
    response.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(method: string, path: string): Promise<{ status: number; allow?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, method, path }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, allow: response.headers.allow, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("installHttpGuard (on a real Node HTTP server)", () => {
  it("answers 405 with Allow and the JSON error to TRACE, PROPFIND and PUT, without calling the handler", async () => {
    handled = [];
    for (const method of ["TRACE", "PROPFIND", "PUT"]) {
      const answer = await send(method, "/api/health");
      expect(answer.status).toBe(405);
      expect(answer.allow).toBe("GET, HEAD, OPTIONS, POST, PATCH, DELETE");
      expect(JSON.parse(answer.body).error.code).toBe("method_not_allowed");
    }
    expect(handled).toEqual([]);
  });

  it("answers 400 to a path with malformed percent-encoding, and passes everything else on", async () => {
    handled = [];
    expect((await send("GET", "/%E0%A4%A")).status).toBe(400);
    expect((await send("GET", "/api/images/%E0%A4%A?x=1")).status).toBe(400);
    expect((await send("GET", "/categories/T%C3%B6pfe")).status).toBe(200);
    expect((await send("POST", "/api/search?k=%E0")).status).toBe(200);
    expect(handled).toEqual(["GET /categories/T%C3%B6pfe", "POST /api/search?k=%E0"]);
  });
});

/**
 * HTTP edge cases through `next start` (issue 14): what Next itself would have answered
 * with 500, and what only a real socket shows. Starts its own server, with a short
 * UPLOAD_TIMEOUT_MS, and reads its log.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { test } from "./support/runner";
import { startServer } from "./support/server";

const server = await startServer({ UPLOAD_TIMEOUT_MS: "1500" });

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One raw request: any method, the path exactly as given (fetch would refuse TRACE and normalise paths). */
function send(method: string, path: string, body?: { contentType: string; bytes: Buffer; declaredLength?: number; stallMs?: number }): Promise<Answer> {
  const url = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = body ? { "content-type": body.contentType, "content-length": body.declaredLength ?? body.bytes.length } : {};
    const request = http.request({ host: url.hostname, port: url.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    request.on("error", reject);
    if (body) request.write(body.bytes);
    // A declared length longer than what was written leaves the body open: the server waits for the rest.
    if (!body?.declaredLength) request.end();
  });
}

const multipart = (boundary: string) =>
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="q.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff`);

test("TRACE and other unknown methods: 405 with Allow, on pages and API routes", async () => {
  // CONNECT never reaches a request handler: Node's server takes it as a tunnel and closes it.
  for (const [method, path] of [["TRACE", "/"], ["TRACE", "/api/health"], ["PROPFIND", "/api/items/1"], ["PUT", "/categories"]] as const) {
    const answer = await send(method, path);
    assert.equal(answer.status, 405, `${method} ${path}: ${answer.status} ${answer.body.slice(0, 200)}`);
    assert.match(String(answer.headers.allow), /GET/);
    assert.equal(JSON.parse(answer.body).error.code, "method_not_allowed");
  }
});

test("paths with malformed UTF-8 percent-encoding: 400", async () => {
  for (const path of ["/%E0%A4%A", "/api/images/%E0%A4%A", "/categories/%C3", "/api/items/%FF/similar"]) {
    const answer = await send("GET", path);
    assert.equal(answer.status, 400, `${path}: ${answer.status} ${answer.body.slice(0, 200)}`);
  }
  // A well-formed encoded path still reaches its route.
  assert.equal((await send("GET", "/api/images/%E2%9C%93")).status, 404);
});

test("an upload that stops arriving: 408 after UPLOAD_TIMEOUT_MS", async () => {
  const boundary = "edge-boundary";
  const answer = await send("POST", "/api/search", { contentType: `multipart/form-data; boundary=${boundary}`, bytes: multipart(boundary), declaredLength: 100_000 });
  assert.equal(answer.status, 408, answer.body.slice(0, 200));
  assert.equal(JSON.parse(answer.body).error.code, "request_timeout");
});

test("a client that hangs up mid-upload is logged as an abort, not as an internal error", async () => {
  const url = new URL(server.baseUrl);
  const boundary = "abort-boundary";
  const before = server.log().length;
  await new Promise<void>((resolve) => {
    const request = http.request({
      host: url.hostname,
      port: url.port,
      method: "POST",
      path: "/api/search",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": 100_000 },
    });
    request.on("error", () => resolve());
    request.write(multipart(boundary));
    setTimeout(() => {
      request.destroy();
      resolve();
    }, 300);
  });
  // The server notices the closed socket at once; give its log a moment.
  let log = "";
  for (let i = 0; i < 40 && !/\[aborted\]/.test(log); i++) {
    await new Promise((r) => setTimeout(r, 100));
    log = server.log().slice(before);
  }
  assert.match(log, /\[aborted\] POST \/api\/search: the client closed the connection/);
  assert.doesNotMatch(log, /\[internal\]/);
});

test("(stops the http-edges server)", async () => {
  await server.stop();
});

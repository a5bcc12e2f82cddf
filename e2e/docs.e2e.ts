/**
 * The interactive API docs at /docs: rendered from /api/openapi.json under the pages' nonce
 * CSP (nothing refused, nothing fetched from another origin), every operation listed, and a
 * "try it" call to GET /api/health answered by this server.
 */
import assert from "node:assert/strict";
import { test } from "./support/runner";

type OpenApi = { paths: Record<string, Record<string, { summary: string }>> };

test("/docs lists every operation and its try-it calls /api/health", async ({ page, baseUrl }) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    if (!request.url().startsWith(baseUrl) && !/^(data|blob):/.test(request.url())) problems.push(`request to another origin: ${request.url()}`);
  });

  const document = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as OpenApi;
  const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, summary: op.summary })));
  assert.ok(operations.length >= 8, `${operations.length} operations in the document`);

  await page.goto("/docs");
  for (const { summary } of operations) await page.getByText(summary, { exact: true }).first().waitFor();

  // "Test Request" opens Scalar's client on the operation; Send calls this server.
  await page.getByRole("button", { name: /Test Request.*get \/api\/health/i }).click();
  const health = page.waitForResponse((response) => response.url() === `${baseUrl}/api/health` && response.request().method() === "GET");
  await page.getByRole("button", { name: /^Send/ }).first().click();
  const answer = await health;
  assert.equal(answer.status(), 200);
  const body = (await answer.json()) as Record<string, unknown>;
  // The client shows the status and the body it got.
  await page.getByText("200", { exact: false }).first().waitFor();
  await page.getByText(Object.keys(body)[0]!, { exact: false }).first().waitFor();
  assert.deepEqual(problems, []);
});

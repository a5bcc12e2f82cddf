import { describe, expect, expectTypeOf, it, vi } from "vitest";
import type { z } from "zod";
import { useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const health = await import("@/app/api/health/route");
const openapi = await import("@/app/api/openapi.json/route");
const items = await import("@/app/api/items/route");
const item = await import("@/app/api/items/[id]/route");
const importRoute = await import("@/app/api/items/import/route");
const suspectsRoute = await import("@/app/api/admin/suspects/route");
const dismissRoute = await import("@/app/api/admin/suspects/[id]/dismiss/route");
const duplicatesRoute = await import("@/app/api/admin/duplicates/route");
const qualityRoute = await import("@/app/api/admin/quality/route");
const session = await import("@/app/api/admin/session/route");
const { healthResponseSchema } = await import("@/app/api/health/schema");
const { toAddResponse, toItemResponse } = await import("@/app/api/items/schema");
const { addResponseSchema, errorResponseSchema, importLineSchema, itemResponseSchema } = await import("@/app/api/schema");
const { parseImportCsv } = await import("@/lib/live/import-catalog");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
type ImportEvent = import("@/lib/live/import-catalog").ImportEvent;
type Suspect = import("@/lib/live/mislabel-suspects").Suspect;
type SuspectResponse = import("@/app/api/admin/suspects/schema").SuspectResponse;

type Operation = {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown>; description?: string }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
};
type Doc = {
  openapi: string;
  security?: unknown;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, unknown> };
};

const doc = (await openapi.GET().json()) as Doc;

/** Every `$ref` in the document, wherever it sits. */
function collectRefs(node: unknown, refs = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const child of node) collectRefs(child, refs);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") refs.add(value);
      else collectRefs(value, refs);
    }
  }
  return refs;
}

/** Follows a local JSON pointer (`#/a/b`) through the document; undefined when it leads nowhere. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((part) => decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

const deref = (schema: Record<string, unknown>) =>
  (typeof schema.$ref === "string" ? resolvePointer(doc, schema.$ref) : schema) as Record<string, unknown>;

const token = "openapi-test-token-0123456789abcdef";
const context = (id: string) => ({ params: Promise.resolve({ id }) });
/** The admin operations (the writes and the curation reads) and their handlers, called here without a token. */
const writeHandlers: Record<string, (headers: HeadersInit) => Promise<Response>> = {
  "get /api/admin/suspects": (headers) => suspectsRoute.GET(new Request("http://localhost/api/admin/suspects", { headers })),
  "post /api/admin/suspects/{id}/dismiss": (headers) =>
    dismissRoute.POST(new Request("http://localhost/api/admin/suspects/x/dismiss", { method: "POST", headers }), context("x")),
  "delete /api/admin/suspects/{id}/dismiss": (headers) =>
    dismissRoute.DELETE(new Request("http://localhost/api/admin/suspects/x/dismiss", { method: "DELETE", headers }), context("x")),
  "get /api/admin/duplicates": (headers) => duplicatesRoute.GET(new Request("http://localhost/api/admin/duplicates", { headers })),
  "get /api/admin/quality": (headers) => qualityRoute.GET(new Request("http://localhost/api/admin/quality", { headers })),
  "post /api/items": (headers) => items.POST(new Request("http://localhost/api/items", { method: "POST", headers })),
  "patch /api/items/{id}": (headers) =>
    item.PATCH(new Request("http://localhost/api/items/x", { method: "PATCH", headers, body: "{}" }), context("x")),
  "delete /api/items/{id}": (headers) => item.DELETE(new Request("http://localhost/api/items/x", { method: "DELETE", headers }), context("x")),
  "post /api/items/import": (headers) => importRoute.POST(new Request("http://localhost/api/items/import", { method: "POST", headers })),
  "delete /api/admin/session": (headers) => session.DELETE(new Request("http://localhost/api/admin/session", { method: "DELETE", headers })),
};

describe("GET /api/health", () => {
  it("reports the served model, index and catalog", async () => {
    const response = await health.GET();
    expect(response.status).toBe(200);
    const report = healthResponseSchema.parse(await response.json());
    expect(report.ok).toBe(true);
    expect(report.index.size).toBe(report.catalogSize);
    // The embedded store scores every vector (exact) and names its index by content id.
    expect(report.index).toMatchObject({ kind: "flat", id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });
});

describe("GET /api/openapi.json", () => {
  it("describes every endpoint and method with OpenAPI 3.1", () => {
    expect(doc.openapi).toBe("3.1.0");
    const methods = Object.fromEntries(Object.entries(doc.paths).map(([path, ops]) => [path, Object.keys(ops).sort()]));
    expect(methods).toEqual({
      "/api/admin/duplicates": ["get"],
      "/api/admin/quality": ["get"],
      "/api/admin/session": ["delete", "post"],
      "/api/admin/suspects": ["get"],
      "/api/admin/suspects/{id}/dismiss": ["delete", "post"],
      "/api/explain": ["post"],
      "/api/health": ["get"],
      "/api/images/{id}": ["get"],
      "/api/items": ["post"],
      "/api/items/import": ["post"],
      "/api/items/{id}": ["delete", "get", "patch"],
      "/api/items/{id}/similar": ["get"],
      "/api/search": ["get", "post"],
    });
  });

  it("documents both index kinds a health report can carry", () => {
    const health = JSON.stringify(doc.components.schemas.Health);
    expect(health).toContain('"enum":["flat","hnsw"]');
  });

  it("resolves every $ref inside the document", () => {
    const refs = collectRefs(doc);
    expect(refs.size).toBeGreaterThan(5);
    for (const ref of refs) expect(resolvePointer(doc, ref), ref).toBeTypeOf("object");
  });

  it("documents the search parameters and photo upload", () => {
    const parameters = doc.paths["/api/search"]!.post!.parameters!;
    const k = parameters.find((p) => p.name === "k")!;
    expect(k.schema).toMatchObject({ type: "string", pattern: "^[0-9]{1,6}$", default: "10" });
    expect(k.description).toMatch(/1 to 100/);
    expect(parameters.find((p) => p.name === "collapse")).toMatchObject({ in: "query", required: false, schema: { enum: ["true", "false"] } });
    expect(doc.paths["/api/search"]!.post!.requestBody!.content["multipart/form-data"]!.schema.properties).toMatchObject({
      image: { type: "string", format: "binary" },
    });
  });

  it("documents the text search: text required on GET, optional on POST, both from the same zod schema", () => {
    const get = doc.paths["/api/search"]!.get!.parameters!;
    expect(get.find((p) => p.name === "text")).toMatchObject({ in: "query", required: true, schema: { type: "string" } });
    expect(get.find((p) => p.name === "text")!.description).toMatch(/every word/);
    expect(get.map((p) => p.name)).not.toContain("crop");
    expect(doc.paths["/api/search"]!.post!.parameters!.find((p) => p.name === "text")).toMatchObject({ in: "query", required: false });
  });

  it("names the console's session cookie as the other admin credential", () => {
    expect(doc.components.securitySchemes.cookieAuth).toEqual(expect.objectContaining({ type: "apiKey", in: "cookie", name: "__Host-vps-admin" }));
  });

  it("asks for the bearer token (or the console's cookie) on the admin endpoints only (writes and /api/admin reads), and documents their 401 (and the writes' 403)", () => {
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
    expect(doc.security).toBeUndefined();
    const secured: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method === "get" && !path.startsWith("/api/admin/")) {
          expect(op.security, `${method} ${path}`).toBeUndefined();
          continue;
        }
        // Photo reads: open like the search.
        if (path === "/api/search" || path === "/api/explain") {
          expect(op.security, `${method} ${path}`).toBeUndefined();
          continue;
        }
        // Signing in is how a browser gets its credential.
        if (`${method} ${path}` === "post /api/admin/session") continue;
        expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
        expect(deref(op.responses["401"]!.content!["application/json"]!.schema)).toBe(doc.components.schemas.Error);
        // A write signed in by the cookie can be refused for its CSRF token (decision 0020).
        if (method !== "get") expect(op.responses["403"]?.description, `403 of ${method} ${path}`).toMatch(/X-CSRF-Token/);
        secured.push(`${method} ${path}`);
      }
    }
    expect(secured.sort()).toEqual(Object.keys(writeHandlers).sort());
  });

  it("matches the handlers: each admin endpoint answers 401 without the token", async () => {
    vi.stubEnv("ADMIN_TOKEN", token);
    // Two wrong attempts per endpoint are more than the default 10 a minute (their 429 has its own test).
    vi.stubEnv("ADMIN_AUTH_FAILURES_PER_MINUTE", "1000");
    try {
      for (const [operation, call] of Object.entries(writeHandlers)) {
        for (const headers of [{}, { authorization: "Bearer wrong" }] as HeadersInit[]) {
          const response = await call(headers);
          expect(response.status, operation).toBe(401);
          expect(errorResponseSchema.parse(await response.json()).error.code).toBe("unauthorized");
        }
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("documents the admin request bodies and error answers", () => {
    const add = doc.paths["/api/items"]!.post!;
    const addBody = add.requestBody!.content["multipart/form-data"]!.schema;
    expect(addBody.properties).toMatchObject({ image: { type: "string", format: "binary" }, id: { type: "string" } });
    expect(addBody.required).toEqual(expect.arrayContaining(["id", "productDisplayName", "articleType", "image"]));
    expect(add.parameters!.map((p) => p.name).sort()).toEqual(["duplicateThreshold", "rejectDuplicates"]);
    expect(deref(add.responses["201"]!.content!["application/json"]!.schema)).toBe(doc.components.schemas.AddResponse);

    const patch = doc.paths["/api/items/{id}"]!.patch!;
    const patchBody = patch.requestBody!.content["application/json"]!.schema;
    expect(patchBody).toMatchObject({ type: "object", additionalProperties: false });
    expect(Object.keys(patchBody.properties as object)).not.toContain("id");
    expect(patch.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);

    const importBody = doc.paths["/api/items/import"]!.post!.requestBody!.content["multipart/form-data"]!.schema;
    expect(importBody.properties).toMatchObject({ csv: { format: "binary" }, images: { type: "array", items: { format: "binary" } } });

    const expected: Record<string, string[]> = {
      "post /api/items": ["201", "400", "401", "403", "409", "413", "415", "422", "503", "507"],
      "patch /api/items/{id}": ["200", "400", "401", "403", "404", "413", "415", "503", "507"],
      "delete /api/items/{id}": ["200", "400", "401", "403", "404", "503", "507"],
      "post /api/items/import": ["200", "400", "401", "403", "413", "415", "503", "507"],
      "get /api/admin/suspects": ["200", "400", "401", "429", "503"],
      "post /api/admin/suspects/{id}/dismiss": ["200", "400", "401", "403", "404", "429", "503", "507"],
      "delete /api/admin/suspects/{id}/dismiss": ["200", "400", "401", "403", "429", "503", "507"],
      "get /api/admin/duplicates": ["200", "400", "401", "429", "503"],
      "get /api/admin/quality": ["200", "400", "401", "429", "503"],
    };
    for (const [operation, statuses] of Object.entries(expected)) {
      const [method, path] = operation.split(" ") as [string, string];
      const responses = doc.paths[path]![method]!.responses;
      expect(Object.keys(responses).sort(), operation).toEqual(statuses);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect(deref(responses[status]!.content!["application/json"]!.schema), `${operation} ${status}`).toBe(doc.components.schemas.Error);
      }
    }
  });

  it("documents the import's NDJSON lines: item, error, done and failed", () => {
    const content = doc.paths["/api/items/import"]!.post!.responses["200"]!.content!;
    expect(Object.keys(content)).toEqual(["application/x-ndjson"]);
    const line = deref(content["application/x-ndjson"]!.schema) as { oneOf: { properties: { type: { const: string } } }[] };
    expect(line).toBe(doc.components.schemas.ImportLine);
    expect(line.oneOf.map((variant) => variant.properties.type.const).sort()).toEqual(["done", "error", "failed", "item"]);
  });
});

describe("the documented admin answers match what the code builds", () => {
  it("has the same types as the route helpers and the import events", () => {
    expectTypeOf<ReturnType<typeof toAddResponse>>().toEqualTypeOf<z.infer<typeof addResponseSchema>>();
    expectTypeOf<ReturnType<typeof toItemResponse>>().toEqualTypeOf<z.infer<typeof itemResponseSchema>>();
    expectTypeOf<ImportEvent>().toEqualTypeOf<Exclude<z.infer<typeof importLineSchema>, { type: "failed" }>>();
    // The console's suspects are the engine's, plus the photo and name the route adds.
    expectTypeOf<Suspect>().toEqualTypeOf<Omit<SuspectResponse, "productDisplayName" | "imageUrl">>();
  });

  it("accepts a real catalog item as an add answer and real CSV errors as import lines", async () => {
    const { service } = await getSearchRuntime();
    const first = service.items[0]!;
    const answer = toAddResponse({
      item: first,
      status: "added",
      duplicates: [{ id: first.id, score: 0.99, productDisplayName: first.productDisplayName }],
    });
    expect(addResponseSchema.parse(JSON.parse(JSON.stringify(answer)))).toEqual(answer);

    const csv = "id,articleType,productDisplayName\nok-1,Watches,A watch\n,Watches,No id\nok-1,Watches,Same id again\n";
    const { errors } = parseImportCsv(csv);
    expect(errors).toHaveLength(2);
    for (const event of errors) expect(importLineSchema.parse(JSON.parse(JSON.stringify(event)))).toMatchObject({ type: "error" });
  });
});

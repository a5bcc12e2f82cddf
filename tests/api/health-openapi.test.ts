import { describe, expect, it, vi } from "vitest";
import { useSmallCatalog } from "./fixtures";

vi.mock("server-only", () => ({}));
useSmallCatalog();

const health = await import("@/app/api/health/route");
const openapi = await import("@/app/api/openapi.json/route");
const { healthResponseSchema } = await import("@/app/api/health/schema");

describe("GET /api/health", () => {
  it("reports the served model, index and catalog", async () => {
    const response = await health.GET();
    expect(response.status).toBe(200);
    const report = healthResponseSchema.parse(await response.json());
    expect(report.ok).toBe(true);
    expect(report.index.size).toBe(report.catalogSize);
  });
});

describe("GET /api/openapi.json", () => {
  it("describes every endpoint with OpenAPI 3.1 and resolvable refs", async () => {
    const doc = await openapi.GET().json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/api/health", "/api/images/{id}", "/api/items/{id}/similar", "/api/search"]);
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas).toHaveProperty(ref.slice(22, -1));
    const k = doc.paths["/api/search"].post.parameters.find((p: { name: string }) => p.name === "k");
    expect(k.schema).toMatchObject({ type: "string", pattern: "^[0-9]{1,6}$", default: "10" });
    expect(k.description).toMatch(/1 to 100/);
    expect(doc.paths["/api/search"].post.requestBody.content["multipart/form-data"].schema.properties.image).toMatchObject({
      type: "string",
      format: "binary",
    });
  });
});

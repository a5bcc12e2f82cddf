/**
 * The catalog-quality console's admin API over a private copy of the small catalog: suspects
 * (a label changed through PATCH /api/items/{id} comes up, with the evidence), dismiss and undo
 * (durable, seen by another process), duplicate groups and blank photos, per-category quality
 * from a report, and the 400 / 401 / 404 answers.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { copyCatalog } from "../helpers/live-catalog";
import { formWith, readFileBytes } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "curation-admin-token-0123456789abcdef";
const catalogDir = await copyCatalog();
const reportsDir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-reports-"));
process.env.CATALOG_DIR = catalogDir;
process.env.REPORTS_DIR = reportsDir;
process.env.ADMIN_TOKEN = token;
process.env.ADMIN_AUTH_FAILURES_PER_MINUTE = "1000";

const suspectsRoute = await import("@/app/api/admin/suspects/route");
const dismissRoute = await import("@/app/api/admin/suspects/[id]/dismiss/route");
const duplicatesRoute = await import("@/app/api/admin/duplicates/route");
const qualityRoute = await import("@/app/api/admin/quality/route");
const itemRoute = await import("@/app/api/items/[id]/route");
const itemsRoute = await import("@/app/api/items/route");
const { suspectsResponseSchema } = await import("@/app/api/admin/suspects/schema");
const { dismissResponseSchema } = await import("@/app/api/admin/suspects/[id]/dismiss/schema");
const { duplicatesResponseSchema } = await import("@/app/api/admin/duplicates/schema");
const { qualityResponseSchema } = await import("@/app/api/admin/quality/schema");
const { errorResponseSchema } = await import("@/app/api/schema");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");
const { dismissSuspect } = await import("@/lib/live/suspect-dismissals");
const { imagePathFor } = await import("@/lib/catalog/store");

const auth = { authorization: `Bearer ${token}` };
const context = (id: string) => ({ params: Promise.resolve({ id }) });
const get = (route: { GET: (r: Request) => Promise<Response> }, url: string, headers: Record<string, string> = auth) =>
  route.GET(new Request(`http://localhost${url}`, { headers }));
const dismiss = (id: string, method: "POST" | "DELETE", headers: Record<string, string> = auth) =>
  dismissRoute[method](new Request(`http://localhost/api/admin/suspects/${encodeURIComponent(id)}/dismiss`, { method, headers }), context(id));
const patch = (id: string, body: object) =>
  itemRoute.PATCH(new Request(`http://localhost/api/items/${id}`, { method: "PATCH", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) }), context(id));

async function suspects(query = "?limit=500") {
  const response = await get(suspectsRoute, `/api/admin/suspects${query}`);
  expect(response.status).toBe(200);
  return suspectsResponseSchema.parse(await response.json());
}

const { service } = await getSearchRuntime();
const watch = service.items.find((item) => item.articleType === "Watches")!;

beforeAll(async () => {
  // A report as npm run eval writes it (lib/metrics/report.ts), trimmed to what the console reads.
  const perLabel = (values: Record<string, number>) => Object.entries(values).map(([label, pAt5]) => ({ label, queries: 10, pAt5 }));
  await fs.writeFile(
    path.join(reportsDir, "eval.json"),
    JSON.stringify({
      title: "Retrieval evaluation (test split, reference protocol)",
      facts: { catalog: "320 items" },
      variants: [
        { name: "frozen", overall: {}, perLabel: perLabel({ Watches: 0.1, Tshirts: 0.1 }) },
        {
          name: "trained head, category-aware (served)",
          overall: {},
          perLabel: perLabel({ Watches: 0.98, Tshirts: 0.7 }),
          byRelevance: [{ key: "type+colour", description: "same articleType and baseColour", overall: {}, perLabel: perLabel({ Watches: 0.4, Tshirts: 0.3 }) }],
        },
      ],
    }),
  );
  await fs.writeFile(path.join(reportsDir, "eval.svg"), '<svg xmlns="http://www.w3.org/2000/svg"><title>P@5</title></svg>');
}, 60_000);

afterAll(async () => {
  delete process.env.ADMIN_TOKEN;
  delete process.env.REPORTS_DIR;
  await fs.rm(catalogDir, { recursive: true, force: true });
  await fs.rm(reportsDir, { recursive: true, force: true });
});

describe("GET /api/admin/suspects", () => {
  it("ranks the catalog, most suspicious first, with the evidence", async () => {
    const page = await suspects();
    expect(page.classifier).toBe(service.model.classifier !== undefined);
    expect(page.suspects.length).toBeLessThanOrEqual(page.total);
    const scores = page.suspects.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of page.suspects.slice(0, 20)) {
      expect(s.suggested).not.toBe(s.label);
      expect(s.votes.own + s.votes.suggested).toBeLessThanOrEqual(s.votes.k);
      expect(s.imageUrl).toBe(`/api/images/${s.id}`);
      for (const id of s.neighbours) expect(service.getItem(id)?.label).toBe(s.suggested);
    }
    // Pages follow on from each other.
    const second = await suspects("?limit=3&offset=3");
    expect(second.suspects.map((s) => s.id)).toEqual(page.suspects.slice(3, 6).map((s) => s.id));
  }, 600_000);

  it("puts a watch relabelled as a T-shirt (through PATCH /api/items/{id}) at the top, suggesting Watches; relabelling back clears it", async () => {
    const before = await suspects();
    expect(before.suspects.slice(0, 5).map((s) => s.id)).not.toContain(watch.id);
    expect((await patch(watch.id, { articleType: "Tshirts" })).status).toBe(200);
    const after = await suspects();
    expect(after.catalogVersion).not.toBe(before.catalogVersion);
    const top = after.suspects.findIndex((s) => s.id === watch.id);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(5);
    expect(after.suspects[top]).toMatchObject({ label: "Tshirts", suggested: "Watches", votes: { own: 0 } });
    expect(after.suspects[top]!.neighbours.length).toBeGreaterThan(0);
    expect((await patch(watch.id, { articleType: "Watches" })).status).toBe(200);
    const back = await suspects();
    expect(back.catalogVersion).toBe(before.catalogVersion);
    expect(back.suspects.slice(0, 5).map((s) => s.id)).not.toContain(watch.id);
  }, 600_000);

  it("answers 400 for a bad limit or offset, or an unknown parameter", async () => {
    for (const query of ["?limit=0", "?limit=501", "?limit=ten", "?offset=-1", "?offset=1.5", "?sort=score"]) {
      const response = await get(suspectsRoute, `/api/admin/suspects${query}`);
      expect(response.status, query).toBe(400);
      expect(errorResponseSchema.parse(await response.json()).error.code).toBe("bad_request");
    }
  });
});

describe("POST and DELETE /api/admin/suspects/{id}/dismiss", () => {
  it("dismisses a suspect durably, under its label; undo brings it back; a relabel judges it afresh", async () => {
    expect((await patch(watch.id, { articleType: "Tshirts" })).status).toBe(200);
    const listed = await suspects();
    expect(listed.suspects.map((s) => s.id)).toContain(watch.id);

    const response = await dismiss(watch.id, "POST");
    expect(response.status).toBe(200);
    expect(dismissResponseSchema.parse(await response.json())).toMatchObject({ id: watch.id, dismissed: true, label: "Tshirts" });
    const dismissed = await suspects();
    expect(dismissed.suspects.map((s) => s.id)).not.toContain(watch.id);
    expect(dismissed.total).toBe(listed.total - 1);
    expect(dismissed.dismissed).toBe(1);

    const undo = await dismiss(watch.id, "DELETE");
    expect(dismissResponseSchema.parse(await undo.json())).toEqual({ id: watch.id, dismissed: false, changed: true });
    expect((await suspects()).suspects.map((s) => s.id)).toContain(watch.id);
    expect(dismissResponseSchema.parse(await (await dismiss(watch.id, "DELETE")).json()).changed).toBe(false);

    // Dismissed under "Tshirts", then relabelled "Kurtas": a suspect again.
    await dismiss(watch.id, "POST");
    expect((await patch(watch.id, { articleType: "Kurtas" })).status).toBe(200);
    const relabelled = await suspects();
    expect(relabelled.suspects.find((s) => s.id === watch.id)).toMatchObject({ label: "Kurtas", suggested: "Watches" });
    expect((await patch(watch.id, { articleType: "Watches" })).status).toBe(200);
    await dismiss(watch.id, "DELETE");
  }, 600_000);

  it("sees a dismissal another process wrote to the same catalog", async () => {
    const top = (await suspects()).suspects[0]!;
    await dismissSuspect(catalogDir, top.id, top.label); // as the CLI or another instance would
    expect((await suspects()).suspects.map((s) => s.id)).not.toContain(top.id);
    await dismiss(top.id, "DELETE");
  }, 600_000);

  it("answers 404 for an unknown id and 400 for a bad one", async () => {
    const unknown = await dismiss("no-such-item", "POST");
    expect(unknown.status).toBe(404);
    expect(errorResponseSchema.parse(await unknown.json()).error.code).toBe("not_found");
    for (const method of ["POST", "DELETE"] as const) {
      const bad = await dismiss("x".repeat(129), method);
      expect(bad.status, method).toBe(400);
      expect(errorResponseSchema.parse(await bad.json()).error.code).toBe("bad_request");
    }
  });
});

describe("GET /api/admin/duplicates", () => {
  it("groups a product added with another's photo, and lists the blank photos", async () => {
    const source = service.items.find((item) => item.articleType === "Handbags" && !item.blank)!;
    const photo = await readFileBytes(imagePathFor(catalogDir, source));
    const fields = { id: "curation-copy-1", productDisplayName: "A copy", articleType: source.articleType, masterCategory: source.masterCategory };
    const added = await itemsRoute.POST(new Request("http://localhost/api/items", { method: "POST", headers: auth, body: formWith([["image", photo, "copy.jpg", "image/jpeg"]], fields) }));
    expect(added.status).toBe(201);
    const response = await get(duplicatesRoute, "/api/admin/duplicates?limit=500");
    expect(response.status).toBe(200);
    const body = duplicatesResponseSchema.parse(await response.json());
    const group = body.groups.find((g) => g.items.some((i) => i.id === "curation-copy-1"));
    expect(group?.items.map((i) => i.id)).toContain(source.id);
    expect(group?.maxScore).toBeGreaterThan(0.97);
    expect(body.blank.map((i) => i.id).sort()).toEqual(service.items.filter((i) => i.blank).map((i) => i.id).sort());
    const removed = await itemRoute.DELETE(new Request("http://localhost/api/items/curation-copy-1", { method: "DELETE", headers: auth }), context("curation-copy-1"));
    expect(removed.status).toBe(200);
    const after = duplicatesResponseSchema.parse(await (await get(duplicatesRoute, "/api/admin/duplicates?limit=500")).json());
    expect(after.groups.some((g) => g.items.some((i) => i.id === "curation-copy-1"))).toBe(false);
  }, 600_000);

  it("answers 400 for a bad threshold or page", async () => {
    for (const query of ["?threshold=2", "?threshold=0.5", "?threshold=high", "?limit=0", "?extra=1"]) {
      const response = await get(duplicatesRoute, `/api/admin/duplicates${query}`);
      expect(response.status, query).toBe(400);
    }
  });
});

describe("GET /api/admin/quality", () => {
  it("lists every category worst first from the latest report's served variant, with its chart and the confused pairs", async () => {
    const response = await get(qualityRoute, "/api/admin/quality");
    expect(response.status).toBe(200);
    const body = qualityResponseSchema.parse(await response.json());
    expect(body.report).toMatchObject({ variant: "trained head, category-aware (served)", chartSvg: expect.stringContaining("<svg") });
    expect(body.categories.slice(0, 2)).toEqual([
      { label: "Tshirts", items: service.items.filter((i) => i.label === "Tshirts").length, queries: 10, pAt5: 0.7, typeColourPAt5: 0.3 },
      { label: "Watches", items: service.items.filter((i) => i.label === "Watches").length, queries: 10, pAt5: 0.98, typeColourPAt5: 0.4 },
    ]);
    // Labels the report lacks come last, with nulls.
    expect(body.categories.slice(2).every((c) => c.pAt5 === null)).toBe(true);
    for (const pair of body.confusedPairs) {
      expect(pair.labels[0] < pair.labels[1]).toBe(true);
      expect(pair.aToB + pair.bToA).toBe(pair.count);
    }
  }, 600_000);

  it("answers report: null without a report, and 400 for any parameter", async () => {
    await fs.rm(path.join(reportsDir, "eval.json"));
    const body = qualityResponseSchema.parse(await (await get(qualityRoute, "/api/admin/quality")).json());
    expect(body.report).toBeNull();
    expect(body.categories.every((c) => c.pAt5 === null)).toBe(true);
    expect((await get(qualityRoute, "/api/admin/quality?x=1")).status).toBe(400);
  }, 600_000);
});

describe("the curation endpoints need the admin token", () => {
  const calls: [string, (headers: Record<string, string>) => Promise<Response>][] = [
    ["GET suspects", (h) => get(suspectsRoute, "/api/admin/suspects", h)],
    ["POST dismiss", (h) => dismiss(watch.id, "POST", h)],
    ["DELETE dismiss", (h) => dismiss(watch.id, "DELETE", h)],
    ["GET duplicates", (h) => get(duplicatesRoute, "/api/admin/duplicates", h)],
    ["GET quality", (h) => get(qualityRoute, "/api/admin/quality", h)],
  ];
  it.each(calls)("%s: 401 without a token or with a wrong one, and nothing changes", async (_, call) => {
    for (const headers of [{}, { authorization: "Bearer wrong-token" }, { authorization: token }] as Record<string, string>[]) {
      const response = await call(headers);
      expect(response.status).toBe(401);
      expect(errorResponseSchema.parse(await response.json()).error.code).toBe("unauthorized");
    }
    expect((await suspects()).dismissed).toBe(0);
  }, 600_000);
});

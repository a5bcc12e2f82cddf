/**
 * The console's client for the admin JSON API: every call is same-origin, sends the
 * session cookie, and every write carries the session's CSRF token. Answers are checked
 * with zod; an error answer becomes a ConsoleApiError with the server's message.
 */
import { z } from "zod";

/** The header the server reads the CSRF token from (lib/server/admin-session.ts). */
export const CSRF_HEADER = "x-csrf-token";

export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ConsoleApiError";
  }
}

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The product fields the console reads and restores (the admin API's Item, less what the server derives). */
export const consoleItemSchema = z.object({
  id: z.string(),
  productDisplayName: z.string(),
  articleType: z.string(),
  gender: z.string(),
  masterCategory: z.string(),
  subCategory: z.string(),
  baseColour: z.string(),
  season: z.string(),
  year: z.string(),
  usage: z.string(),
  blank: z.literal(true).optional(),
});
export type ConsoleItem = z.infer<typeof consoleItemSchema>;

/** The editable fields of a product, as POST /api/items takes them back. */
export const restorableFields = ["productDisplayName", "articleType", "gender", "masterCategory", "subCategory", "baseColour", "season", "year", "usage"] as const;

/*
 * The answers of the curation API (the schema.ts files under app/api/admin/ on branch h/suspects, as
 * published in its commit d86f6c8): only the fields the console reads, extra ones allowed.
 */

/** A catalog product as the curation API lists it. */
const curationItemSchema = z.object({ id: z.string(), label: z.string(), productDisplayName: z.string() }).loose();
export type CurationItem = z.infer<typeof curationItemSchema>;

/** GET /api/admin/suspects: suspected mislabels, most suspicious first. */
export const suspectsResponseSchema = z
  .object({
    suspects: z.array(
      z
        .object({
          id: z.string(),
          label: z.string(),
          suggested: z.string(),
          score: z.number(),
          classifier: z.object({ own: z.number(), suggested: z.number() }).nullable(),
          votes: z.object({ k: z.number(), own: z.number(), suggested: z.number() }),
          neighbours: z.array(z.string()),
          productDisplayName: z.string(),
        })
        .loose(),
    ),
    total: z.number(),
  })
  .loose();
export type SuspectsResponse = z.infer<typeof suspectsResponseSchema>;
export type Suspect = SuspectsResponse["suspects"][number];

/** GET /api/admin/duplicates: near-duplicate groups and blank photos. */
export const duplicatesResponseSchema = z
  .object({
    groups: z.array(z.object({ items: z.array(curationItemSchema), maxScore: z.number(), samePhoto: z.boolean() }).loose()),
    total: z.number(),
    blank: z.array(curationItemSchema),
  })
  .loose();
export type DuplicatesResponse = z.infer<typeof duplicatesResponseSchema>;

/** GET /api/admin/quality: per-category quality of the latest evaluation, its chart, and the most-confused pairs. */
export const qualityResponseSchema = z
  .object({
    report: z.object({ title: z.string(), variant: z.string(), chartSvg: z.string().nullable() }).loose().nullable(),
    categories: z.array(
      z.object({ label: z.string(), items: z.number(), queries: z.number(), pAt5: z.number().nullable(), typeColourPAt5: z.number().nullable() }).loose(),
    ),
    confusedPairs: z.array(
      z.object({ labels: z.tuple([z.string(), z.string()]), count: z.number(), aToB: z.number(), bToA: z.number(), share: z.number(), examples: z.array(z.string()) }).loose(),
    ),
  })
  .loose();
export type QualityResponse = z.infer<typeof qualityResponseSchema>;

/** The one JSON item answer: GET/PATCH /api/items/{id} and POST /api/items. */
const itemResponseSchema = z.object({ item: consoleItemSchema.loose() });

export type ConsoleApi = ReturnType<typeof createConsoleApi>;

/** The console's API calls over `fetchImpl` (the browser's fetch; a test's double). */
export function createConsoleApi(csrfToken: string, fetchImpl: typeof fetch = (...args) => fetch(...args)) {
  async function call<T>(schema: z.ZodType<T>, url: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (init.method && init.method !== "GET") headers.set(CSRF_HEADER, csrfToken);
    const response = await fetchImpl(url, { ...init, headers, credentials: "same-origin", cache: "no-store" });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(body);
      if (parsed.success) throw new ConsoleApiError(response.status, parsed.data.error.code, parsed.data.error.message);
      throw new ConsoleApiError(response.status, "internal", `${init.method ?? "GET"} ${url} answered ${response.status}.`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ConsoleApiError(response.status, "internal", `${url} answered in an unexpected shape: ${parsed.error.issues[0]?.message ?? ""}`);
    return parsed.data;
  }
  const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const itemUrl = (id: string) => `/api/items/${encodeURIComponent(id)}`;
  return {
    suspects: (limit: number, offset: number) => call(suspectsResponseSchema, `/api/admin/suspects?limit=${limit}&offset=${offset}`),
    duplicates: (limit: number, offset: number) => call(duplicatesResponseSchema, `/api/admin/duplicates?limit=${limit}&offset=${offset}`),
    quality: () => call(qualityResponseSchema, "/api/admin/quality"),
    getItem: async (id: string) => (await call(itemResponseSchema, itemUrl(id))).item,
    patchItem: async (id: string, fields: Partial<Record<(typeof restorableFields)[number], string>>) =>
      (await call(itemResponseSchema, itemUrl(id), json("PATCH", fields))).item,
    deleteItem: (id: string) => call(z.object({ removed: z.string() }), itemUrl(id), { method: "DELETE" }),
    addItem: async (form: FormData) => (await call(itemResponseSchema, "/api/items", { method: "POST", body: form })).item,
    dismiss: (id: string) => call(z.unknown(), `/api/admin/suspects/${encodeURIComponent(id)}/dismiss`, { method: "POST" }),
    undismiss: (id: string) => call(z.unknown(), `/api/admin/suspects/${encodeURIComponent(id)}/dismiss`, { method: "DELETE" }),
    photo: async (id: string): Promise<Blob> => {
      const response = await fetchImpl(`/api/images/${encodeURIComponent(id)}`, { credentials: "same-origin" });
      if (!response.ok) throw new ConsoleApiError(response.status, "not_found", `The photo of ${id} could not be read (${response.status}).`);
      return response.blob();
    },
    signOut: () => call(z.object({ signedOut: z.literal(true) }), "/api/admin/session", { method: "DELETE" }),
  };
}

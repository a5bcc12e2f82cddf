/**
 * The console's client for the admin JSON API: every call is same-origin, sends the
 * session cookie, and every write carries the session's CSRF token. Answers are checked
 * with zod; an error answer becomes a ConsoleApiError with the server's message.
 */
import { z } from "zod";
import type { curationItemSchema } from "@/app/api/admin/schema";
import { duplicatesResponseSchema, type DuplicatesResponse } from "@/app/api/admin/duplicates/schema";
import { qualityResponseSchema, type QualityResponse } from "@/app/api/admin/quality/schema";
import { signOutResponseSchema } from "@/app/api/admin/session/schema";
import { dismissResponseSchema } from "@/app/api/admin/suspects/[id]/dismiss/schema";
import { suspectsResponseSchema, type SuspectsResponse } from "@/app/api/admin/suspects/schema";
import {
  addResponseSchema,
  deleteResponseSchema,
  itemGetResponseSchema,
  patchResponseSchema,
  toImageUrl,
  type itemResponseSchema,
} from "@/app/api/item-schema";
import { errorResponseSchema } from "@/app/api/registry";
import type { ProductField } from "@/lib/catalog/types";

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

// The answers are parsed with the routes' own schemas (the schema.ts files under app/api/admin/,
// app/api/item-schema.ts): one source for the server, the OpenAPI document and the console. Those
// modules import only zod, the error codes and lib/catalog's field list, so they bundle for the browser.

/** The product fields the console keeps for an undo, as POST /api/items takes them back. */
export type ConsoleItem = Pick<z.infer<typeof itemResponseSchema>, "id" | ProductField>;
export type CurationItem = z.infer<typeof curationItemSchema>;
export type Suspect = SuspectsResponse["suspects"][number];
export type { DuplicatesResponse, QualityResponse, SuspectsResponse };

export type ConsoleApi = ReturnType<typeof createConsoleApi>;

/** The console's API calls over `fetchImpl` (the browser's fetch; a test's double). */
export function createConsoleApi(csrfToken: string, fetchImpl: typeof fetch = (...args) => fetch(...args)) {
  async function call<T>(schema: z.ZodType<T>, url: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (init.method && init.method !== "GET") headers.set(CSRF_HEADER, csrfToken);
    const response = await fetchImpl(url, { ...init, headers, credentials: "same-origin", cache: "no-store" });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = errorResponseSchema.safeParse(body);
      if (parsed.success) throw new ConsoleApiError(response.status, parsed.data.error.code, parsed.data.error.message);
      throw new ConsoleApiError(response.status, "internal", `${init.method ?? "GET"} ${url} answered ${response.status}.`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ConsoleApiError(response.status, "internal", `${url} answered in an unexpected shape: ${parsed.error.issues[0]?.message ?? ""}`);
    return parsed.data;
  }
  const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const itemUrl = (id: string) => `/api/items/${encodeURIComponent(id)}`;
  const dismissUrl = (id: string) => `/api/admin/suspects/${encodeURIComponent(id)}/dismiss`;
  return {
    suspects: (limit: number, offset: number) => call(suspectsResponseSchema, `/api/admin/suspects?limit=${limit}&offset=${offset}`),
    duplicates: (limit: number, offset: number) => call(duplicatesResponseSchema, `/api/admin/duplicates?limit=${limit}&offset=${offset}`),
    quality: () => call(qualityResponseSchema, "/api/admin/quality"),
    getItem: async (id: string) => (await call(itemGetResponseSchema, itemUrl(id))).item,
    patchItem: async (id: string, fields: Partial<Record<ProductField, string>>) => (await call(patchResponseSchema, itemUrl(id), json("PATCH", fields))).item,
    deleteItem: (id: string) => call(deleteResponseSchema, itemUrl(id), { method: "DELETE" }),
    addItem: async (form: FormData) => (await call(addResponseSchema, "/api/items", { method: "POST", body: form })).item,
    dismiss: (id: string) => call(dismissResponseSchema, dismissUrl(id), { method: "POST" }),
    undismiss: (id: string) => call(dismissResponseSchema, dismissUrl(id), { method: "DELETE" }),
    photo: async (id: string): Promise<Blob> => {
      const response = await fetchImpl(toImageUrl(id), { credentials: "same-origin" });
      if (!response.ok) throw new ConsoleApiError(response.status, "not_found", `The photo of ${id} could not be read (${response.status}).`);
      return response.blob();
    },
    signOut: () => call(signOutResponseSchema, "/api/admin/session", { method: "DELETE" }),
  };
}

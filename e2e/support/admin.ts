import type { BrowserContext } from "playwright-core";
import { E2E_ADMIN_TOKEN } from "./server";

/** Signs a browser context in to the console (the cookie lands in the context, as a form sign-in would). */
export async function signInContext(context: BrowserContext, baseUrl: string): Promise<void> {
  const response = await context.request.post(`${baseUrl}/api/admin/session`, {
    data: { token: E2E_ADMIN_TOKEN },
    headers: { origin: baseUrl, "sec-fetch-site": "same-origin" },
  });
  if (!response.ok()) throw new Error(`sign-in: ${response.status()} ${await response.text()}`);
}

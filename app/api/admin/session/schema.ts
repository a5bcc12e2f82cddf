import { z } from "zod";

/** The JSON body of POST /api/admin/session: the admin token, as typed into the sign-in form. */
export const signInBodySchema = z.strictObject({
  token: z.string({ error: "token is required" }).min(1, { error: "Type the admin token" }).max(1024, { error: "token is at most 1024 characters" }),
});
export type SignInBody = z.infer<typeof signInBodySchema>;

/** The answer to POST /api/admin/session (the session itself is the HttpOnly cookie). */
export const signInResponseSchema = z.object({
  expiresAt: z.string().describe("When the session ends (ISO 8601); sign in again after it"),
  csrfToken: z.string().describe("Send it in X-CSRF-Token on every cookie-authenticated write"),
});

/** The answer to DELETE /api/admin/session. */
export const signOutResponseSchema = z.object({ signedOut: z.literal(true) });

/** Largest sign-in body accepted. */
export const SIGN_IN_MAX_BYTES = 4 * 1024;

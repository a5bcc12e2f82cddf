import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { readAdminToken } from "./auth";
import { ADMIN_SESSION_COOKIE, verifyAdminSession, type AdminSession } from "./admin-session";

type Env = Readonly<Record<string, string | undefined>>;

/** The console's sign-in page; every other /admin page needs a session. */
export const SIGN_IN_PATH = "/admin/sign-in";

/** True for the console pages that need a session (all of /admin but the sign-in page). */
export function isProtectedConsolePath(pathname: string): boolean {
  return (pathname === "/admin" || pathname.startsWith("/admin/")) && pathname !== SIGN_IN_PATH && !pathname.startsWith(`${SIGN_IN_PATH}/`);
}

/** The session a cookie value carries, when the admin API is on and the cookie is valid now. */
export function findConsoleSession(value: string | undefined, env: Env = process.env, now = Date.now()): AdminSession | undefined {
  let adminToken: string;
  try {
    adminToken = readAdminToken(env);
  } catch {
    return undefined;
  }
  return verifyAdminSession(value, adminToken, now);
}

/** Where sign-in sends the browser afterwards: a console path only, never another site. */
export function toNextPath(next: string | undefined): string {
  return next !== undefined && isProtectedConsolePath(next.split("?")[0]!) && !next.startsWith("//") ? next : "/admin";
}

/** The sign-in URL that comes back to `pathname` afterwards. */
export function signInHref(pathname: string): string {
  return `${SIGN_IN_PATH}?next=${encodeURIComponent(pathname)}`;
}

/**
 * A console page's session, or a redirect to sign-in (the proxy redirects first;
 * this keeps a page closed to a request the proxy does not see, such as a prefetch).
 */
export async function requireConsoleSession(pathname: string): Promise<AdminSession> {
  const session = findConsoleSession((await cookies()).get(ADMIN_SESSION_COOKIE)?.value);
  if (!session) redirect(signInHref(pathname));
  return session;
}

import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { cookies } from "next/headers";
import { ADMIN_SESSION_COOKIE } from "@/lib/server/admin-session";
import { findConsoleSession, toNextPath } from "@/lib/server/console-session";
import { SignInForm } from "../_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in to the console", robots: { index: false } };

/** The console's sign-in form; already signed in, it goes straight on. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const target = toNextPath(typeof next === "string" ? next : undefined);
  if (findConsoleSession((await cookies()).get(ADMIN_SESSION_COOKIE)?.value)) redirect(target);
  return (
    <section aria-labelledby="sign-in-heading" className="mx-auto flex max-w-md flex-col gap-4">
      <h1 id="sign-in-heading" className="text-2xl font-semibold tracking-tight">
        Sign in to the catalog console
      </h1>
      <p className="text-sm text-neutral-700">Type the server&apos;s ADMIN_TOKEN. The session lasts 8 hours (ADMIN_SESSION_HOURS) or until you sign out or the token changes.</p>
      <SignInForm next={target} />
    </section>
  );
}

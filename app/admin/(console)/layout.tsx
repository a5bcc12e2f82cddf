import type { Metadata } from "next";
import type { ReactNode } from "react";
import { requireConsoleSession } from "@/lib/server/console-session";
import { ConsoleNav } from "../_components/console-nav";
import { ConsoleProvider } from "../_components/console-context";
import { RecentActions } from "../_components/recent-actions";
import { SignOutButton } from "../_components/sign-out-button";

export const metadata: Metadata = { title: { default: "Catalog quality console", template: "%s · Console" }, robots: { index: false } };

/** The console's frame: only with a session; its CSRF token goes to the client leaves that write. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requireConsoleSession("/admin");
  return (
    <ConsoleProvider csrfToken={session.csrfToken}>
      <div className="flex flex-col gap-6">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-neutral-200 pb-3">
          <ConsoleNav />
          <SignOutButton />
        </div>
        {children}
        <RecentActions />
      </div>
    </ConsoleProvider>
  );
}

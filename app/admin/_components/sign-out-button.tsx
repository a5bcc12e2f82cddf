"use client";

import { useState } from "react";
import { useConsole } from "./console-context";

/** Ends the session (DELETE /api/admin/session, with the CSRF token) and goes to sign-in. */
export function SignOutButton() {
  const { api } = useConsole();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-2">
      <button
        type="button"
        onClick={() =>
          api.signOut().then(
            () => window.location.assign("/admin/sign-in"),
            (caught: Error) => setError(caught.message),
          )
        }
        className="rounded border border-neutral-300 px-3 py-1 text-sm hover:border-neutral-500"
      >
        Sign out
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-800">
          {error}
        </span>
      )}
    </span>
  );
}

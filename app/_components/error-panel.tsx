import type { ReactNode } from "react";
import type { ErrorCode } from "@/lib/errors";

const titles: Partial<Record<ErrorCode, string>> = {
  bad_request: "That did not work",
  not_found: "Not found",
  payload_too_large: "That photo is too large",
  unsupported_media_type: "That file is not a photo we can read",
  unprocessable_image: "That photo could not be read",
  overloaded: "The server is busy",
  not_ready: "Search is not available yet",
  internal: "Something went wrong",
};

/** A friendly, announced error message; `children` holds what the user can do next. */
export function ErrorPanel({ error, title, children }: { error: { code: ErrorCode; message: string }; title?: string; children?: ReactNode }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900" data-error-code={error.code}>
      <h2 className="font-semibold">{title ?? titles[error.code] ?? "Something went wrong"}</h2>
      <p className="mt-1 text-sm">{error.message}</p>
      {children && <div className="mt-3 text-sm">{children}</div>}
    </div>
  );
}

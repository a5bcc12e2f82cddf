"use client";

/** Last-resort boundary: the pages render their own messages for bad input, so this is for the unexpected. */
export default function ErrorBoundary({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-lg border border-red-200 bg-red-50 p-6 text-red-900">
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <p className="mt-1 text-sm">
        The request could not be completed. If you were uploading a photo, it may be larger than the server accepts.
      </p>
      <div className="mt-4 flex gap-3 text-sm">
        <button type="button" onClick={reset} className="rounded-md bg-red-800 px-3 py-1.5 text-white hover:bg-red-900">
          Try again
        </button>
        <a href="/" className="rounded-md border border-red-300 px-3 py-1.5 hover:bg-red-100">
          New search
        </a>
      </div>
    </div>
  );
}

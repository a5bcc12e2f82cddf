"use client";

import { useEffect, useRef, useState } from "react";

type CopyState = "idle" | "copied" | "manual";

/**
 * Copies this search's share URL (a few KB: the photo is in it) to the clipboard and says
 * "Copied". Where the Clipboard API is missing or refused (plain http, an old browser),
 * it tries the legacy copy command on the selected link, and failing that shows the link
 * selected in a field to copy by hand.
 */
export function CopyLink({ href }: { href: string }) {
  const [state, setState] = useState<CopyState>("idle");
  const [url, setUrl] = useState(href);
  const fieldRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (state !== "copied") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  useEffect(() => {
    if (state === "manual") fieldRef.current?.select();
  }, [state]);

  async function copy() {
    const absolute = new URL(href, window.location.href).href;
    setUrl(absolute);
    try {
      await navigator.clipboard.writeText(absolute);
      setState("copied");
    } catch {
      setState(copyWithSelection(absolute) ? "copied" : "manual");
    }
  }

  return (
    <div className="flex flex-col gap-1">
      <button
        type="button"
        onClick={copy}
        data-state={state}
        className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:border-neutral-500"
      >
        {state === "copied" ? "Copied" : "Copy link"}
      </button>
      <span role="status" className="sr-only">
        {state === "copied" ? "Link copied" : ""}
      </span>
      {state === "manual" && (
        <label className="text-xs text-neutral-700">
          Copy this link:
          <input ref={fieldRef} readOnly value={url} onFocus={(event) => event.currentTarget.select()} className="mt-1 block w-full rounded border border-neutral-300 bg-white px-2 py-1 text-xs" data-testid="share-url-field" />
        </label>
      )}
    </div>
  );
}

/** The pre-Clipboard-API way: select the text in a temporary field and run the copy command. */
function copyWithSelection(text: string): boolean {
  const field = document.createElement("textarea");
  field.value = text;
  field.setAttribute("readonly", "");
  field.style.position = "fixed";
  field.style.opacity = "0";
  document.body.append(field);
  field.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    field.remove();
  }
}

"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import type { ExplainResponse } from "@/app/api/explain/schema";

type State = { kind: "idle" } | { kind: "loading" } | { kind: "error"; message: string } | { kind: "ready"; why: ExplainResponse };

/**
 * "Why similar?" under a result: on demand, asks POST /api/explain with the search's own photo
 * and crop (both in this page's share URL) and shows, in a dialog over the page (the grid keeps
 * its rows), heat-maps of where the two photos match over the pictures the model saw, with the
 * category, colour and gender agreements.
 */
export function WhySimilar({ id, name }: { id: string; name: string }) {
  const params = useSearchParams();
  const [state, setState] = useState<State>({ kind: "idle" });
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  async function show() {
    dialog.current?.showModal();
    setOpen(true);
    if (state.kind === "ready" || state.kind === "loading") return;
    setState({ kind: "loading" });
    try {
      setState({ kind: "ready", why: await fetchExplanation(params, id) });
    } catch (error) {
      setState({ kind: "error", message: error instanceof Error ? error.message : "Could not explain this match." });
    }
  }

  return (
    <div className="mt-1" data-testid="why-similar">
      <button
        type="button"
        onClick={show}
        aria-haspopup="dialog"
        aria-expanded={open}
        className="w-full rounded-md border border-neutral-300 bg-white px-2 py-1 text-sm hover:border-neutral-500"
        data-testid="why-toggle"
      >
        Why similar?<span className="sr-only"> ({name})</span>
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        onClose={() => setOpen(false)}
        // A click on the backdrop (the dialog box itself, outside its content) closes it.
        onClick={(event) => event.target === event.currentTarget && event.currentTarget.close()}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-neutral-300 bg-white p-0 shadow-xl backdrop:bg-black/40"
        data-testid="why-dialog"
      >
        {open && (
          <div className="flex flex-col gap-2 p-3">
            <div className="flex items-start justify-between gap-2">
              <h2 id={titleId} className="text-sm font-semibold text-neutral-900">
                Why “{name}” is similar
              </h2>
              <button
                type="button"
                autoFocus
                onClick={() => dialog.current?.close()}
                className="shrink-0 rounded-md border border-neutral-300 px-2 py-0.5 text-sm hover:border-neutral-500"
              >
                Close
              </button>
            </div>
            {state.kind === "loading" && (
              <p role="status" className="text-sm text-neutral-600">
                Comparing the photos…
              </p>
            )}
            {state.kind === "error" && (
              <p role="alert" className="text-sm text-red-800">
                {state.message}
              </p>
            )}
            {state.kind === "ready" && <Explanation why={state.why} />}
          </div>
        )}
      </dialog>
    </div>
  );
}

function Explanation({ why }: { why: ExplainResponse }) {
  // One scale for both photos, so the brighter photo is where more of the match is.
  const peak = Math.max(1e-9, ...why.query.cells, ...why.item.cells);
  return (
    <section aria-label="Heat-maps and agreements" className="flex flex-col gap-2" data-testid="why-panel">
      <div className="grid grid-cols-2 gap-2">
        <HeatPhoto side={why.query} peak={peak} label="Your photo" />
        <HeatPhoto side={why.item} peak={peak} label="This product" />
      </div>
      <ul className="flex flex-wrap gap-1" aria-label="Agreements" data-testid="agreement-chips">
        <Chip name="Category" agreement={why.agreements.category} />
        <Chip name="Colour" agreement={why.agreements.colour} />
        <Chip name="Gender" agreement={why.agreements.gender} />
      </ul>
      <p className="text-xs text-neutral-600">
        Brighter = where they match: hiding that part of a photo lowers the similarity most ({(why.similarity * 100).toFixed(0)}% alike)
      </p>
    </section>
  );
}

function HeatPhoto({ side, peak, label }: { side: Pick<ExplainResponse["query"], "grid" | "cells" | "view">; peak: number; label: string }) {
  const [heat, setHeat] = useState<string | null>(null);
  useEffect(() => setHeat(renderHeatmap(side.cells, side.grid, peak)), [side, peak]);
  return (
    <figure className="flex flex-col items-center gap-0.5">
      <div className="relative w-full">
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src={side.view} alt={`${label}, as the model saw it`} className="block h-auto w-full rounded" />
        {heat && (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={heat} alt={`Heat-map over ${label.toLowerCase()}: where it matches the other photo`} className="absolute inset-0 h-full w-full rounded mix-blend-multiply" data-testid="heatmap" />
        )}
      </div>
      <figcaption className="text-xs text-neutral-700">{label}</figcaption>
    </figure>
  );
}

function Chip({ name, agreement }: { name: string; agreement: ExplainResponse["agreements"]["category"] }) {
  const { same, query, item } = agreement;
  const tone = same === true ? "border-green-700 bg-green-50 text-green-900" : same === false ? "border-amber-700 bg-amber-50 text-amber-900" : "border-neutral-300 bg-white text-neutral-700";
  const text = same === true ? `Same ${name.toLowerCase()}` : same === false ? `${name} differs` : `${name} unknown`;
  const detail = same === true ? item : same === false ? `${query} vs ${item}` : (item ?? query ?? "");
  return (
    <li className={`rounded-full border px-2 py-0.5 text-xs ${tone}`} data-same={String(same)}>
      <span aria-hidden="true">{same === true ? "✓ " : same === false ? "≠ " : "? "}</span>
      {text}
      {detail ? `: ${detail}` : ""}
    </li>
  );
}

async function fetchExplanation(params: URLSearchParams, id: string): Promise<ExplainResponse> {
  const q = params.get("q");
  if (!q) throw new Error("This page has no query photo to compare with.");
  const bytes = fromBase64Url(q);
  const query = new URLSearchParams({ id });
  for (const key of ["crop", "mode"]) {
    const value = params.get(key);
    if (value) query.set(key, value);
  }
  const form = new FormData();
  form.append("image", new Blob([bytes], { type: bytes[0] === 0x52 ? "image/webp" : "image/jpeg" }), "query");
  const response = await fetch(`/api/explain?${query}`, { method: "POST", body: form });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? "Could not explain this match.");
  return body as ExplainResponse;
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * The positive contributions as a smooth warm overlay: white where a cell adds nothing (multiply
 * leaves the photo as it is), deepening to orange-red where it adds the most.
 */
function renderHeatmap(cells: readonly number[], grid: { rows: number; cols: number }, peak: number): string {
  const small = document.createElement("canvas");
  small.width = grid.cols;
  small.height = grid.rows;
  const context = small.getContext("2d");
  if (!context) return "";
  const image = context.createImageData(grid.cols, grid.rows);
  cells.forEach((value, i) => {
    const t = Math.max(0, value) / peak;
    image.data.set([255, Math.round(255 - 140 * t), Math.round(255 - 230 * t), 255], i * 4);
  });
  context.putImageData(image, 0, 0);
  const big = document.createElement("canvas");
  big.width = grid.cols * 28;
  big.height = grid.rows * 32;
  const out = big.getContext("2d");
  if (!out) return "";
  out.imageSmoothingEnabled = true;
  out.imageSmoothingQuality = "high";
  out.drawImage(small, 0, 0, big.width, big.height);
  return big.toDataURL("image/png");
}

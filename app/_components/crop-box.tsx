"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition, type KeyboardEvent, type PointerEvent, type ReactNode } from "react";
import type { Box } from "@/lib/region/localise";
import type { QueryRegion } from "@/lib/region/query-region";
import { describeBox, moveBox, resizeBox, stepBox, toDrawnBox, toUserCropParam, withCropParam, type CropHandle } from "@/lib/share/crop-box";

type Drag = { pointerId: number; handle: CropHandle | "move"; startX: number; startY: number; start: Box; width: number; height: number };

const handles: { handle: CropHandle; className: string }[] = [
  { handle: "nw", className: "-left-3 -top-3 cursor-nwse-resize" },
  { handle: "ne", className: "-right-3 -top-3 cursor-nesw-resize" },
  { handle: "sw", className: "-bottom-3 -left-3 cursor-nesw-resize" },
  { handle: "se", className: "-bottom-3 -right-3 cursor-nwse-resize" },
];

/** After the last arrow key, wait this long before searching, so a run of presses is one search. */
const KEY_SETTLE_MS = 600;

/**
 * The query photo with the region its search used drawn as a box, as Google Lens does: drag it to
 * move, drag a corner to resize (mouse, pen or touch), or focus it and use the arrow keys (shift
 * resizes). Letting go searches again with that crop, through the share URL, so the new search is
 * shareable too. `href` is the current share URL.
 */
export function CropBox({ region, href, children }: { region?: QueryRegion; href: string; children: ReactNode }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [box, setBox] = useState(() => toDrawnBox(region));
  // Pointer and key handlers read the latest box, not the one of the render they were made in.
  const latest = useRef(box);
  const frameRef = useRef<HTMLDivElement>(null);
  const dragRef = useRef<Drag | null>(null);
  const keyTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const helpId = useId();
  const source = region?.source ?? "auto";

  useEffect(() => () => clearTimeout(keyTimer.current), []);

  function update(next: Box) {
    latest.current = next;
    setBox(next);
  }

  function search(next: Box) {
    startTransition(() => router.push(withCropParam(href, toUserCropParam(next)), { scroll: false }));
  }

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    const frame = frameRef.current?.getBoundingClientRect();
    if (!frame || event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    event.currentTarget.focus({ preventScroll: true });
    const handle = (event.target as HTMLElement).dataset.handle as CropHandle | undefined;
    dragRef.current = {
      pointerId: event.pointerId,
      handle: handle ?? "move",
      startX: event.clientX,
      startY: event.clientY,
      start: latest.current,
      width: frame.width,
      height: frame.height,
    };
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    const drag = dragRef.current;
    if (!drag || drag.pointerId !== event.pointerId) return;
    const dx = (event.clientX - drag.startX) / drag.width;
    const dy = (event.clientY - drag.startY) / drag.height;
    update(drag.handle === "move" ? moveBox(drag.start, dx, dy) : resizeBox(drag.start, drag.handle, dx, dy));
  }

  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    const drag = dragRef.current;
    if (!drag || drag.pointerId !== event.pointerId) return;
    dragRef.current = null;
    // A click that moved nothing keeps the current search.
    if (toUserCropParam(latest.current) !== toUserCropParam(drag.start)) search(latest.current);
  }

  function onPointerCancel() {
    const drag = dragRef.current;
    dragRef.current = null;
    if (drag) update(drag.start);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Enter") {
      clearTimeout(keyTimer.current);
      search(latest.current);
      return;
    }
    const next = stepBox(latest.current, event.key, event.shiftKey);
    if (!next) return;
    event.preventDefault();
    clearTimeout(keyTimer.current);
    update(next);
  }

  function onKeyUp(event: KeyboardEvent<HTMLDivElement>) {
    if (!event.key.startsWith("Arrow")) return;
    clearTimeout(keyTimer.current);
    keyTimer.current = setTimeout(() => search(latest.current), KEY_SETTLE_MS);
  }

  return (
    <div className="flex flex-col items-center gap-2">
      <div ref={frameRef} className="relative touch-none select-none" aria-busy={pending}>
        {children}
        {/* The dimmed surround is clipped to the photo; the box itself is not, so a corner at the photo's edge stays whole and grabbable. */}
        <div aria-hidden="true" className="pointer-events-none absolute inset-0 overflow-hidden">
          <div className="absolute shadow-[0_0_0_9999px_rgba(0,0,0,0.4)]" style={toPercentStyle(box)} />
        </div>
        <div
          role="group"
          aria-roledescription="crop box"
          aria-label={`Search area, ${describeBox(box)}`}
          aria-describedby={helpId}
          tabIndex={0}
          data-testid="crop-box"
          data-box={toUserCropParam(box)}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerCancel}
          onKeyDown={onKeyDown}
          onKeyUp={onKeyUp}
          className="absolute cursor-move touch-none border-2 border-amber-400 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-blue-500"
          style={toPercentStyle(box)}
        >
          {handles.map(({ handle, className }) => (
            // A 24 px target around a 12 px mark: big enough for a finger, small enough to see the photo.
            <span key={handle} data-handle={handle} aria-hidden="true" className={`absolute flex h-6 w-6 touch-none items-center justify-center ${className}`}>
              <span className="pointer-events-none h-3 w-3 rounded-sm border border-neutral-800 bg-white" />
            </span>
          ))}
        </div>
      </div>
      <p id={helpId} className="sr-only">
        Arrow keys move the box, Shift with arrow keys resizes it; the search runs again when you let go.
      </p>
      <p className="text-xs text-neutral-600" aria-live="polite">
        {pending ? "Searching your crop…" : "Drag the box or its corners to search part of the photo."}
      </p>
      <ul className="flex gap-3 text-xs" aria-label="Search with">
        <li>
          <Link href={withCropParam(href, undefined)} aria-current={source === "auto" ? "true" : undefined} className={linkClass(source === "auto")}>
            Find the product
          </Link>
        </li>
        <li>
          <Link href={withCropParam(href, "none")} aria-current={source === "none" ? "true" : undefined} className={linkClass(source === "none")}>
            Whole photo
          </Link>
        </li>
      </ul>
    </div>
  );
}

function toPercentStyle(box: Box) {
  return { left: `${100 * box.x}%`, top: `${100 * box.y}%`, width: `${100 * box.w}%`, height: `${100 * box.h}%` };
}

function linkClass(current: boolean): string {
  return current ? "font-semibold text-neutral-800" : "text-blue-800 underline";
}

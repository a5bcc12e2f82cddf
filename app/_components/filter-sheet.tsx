"use client";

import { createContext, useContext, useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode, type RefObject } from "react";

type SheetState = { open: boolean; setOpen: (open: boolean) => void; sheetId: string; triggerRef: RefObject<HTMLButtonElement | null> };

const SheetContext = createContext<SheetState | null>(null);

function useSheet(): SheetState {
  const state = useContext(SheetContext);
  if (!state) throw new Error("FilterSheetButton and FilterSheet must sit inside a FilterSheetProvider");
  return state;
}

/** Shares the open state between the "Filters" button (above the results) and the sheet (in the sidebar's place). */
export function FilterSheetProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const sheetId = useId();
  const triggerRef = useRef<HTMLButtonElement>(null);
  return <SheetContext.Provider value={{ open, setOpen, sheetId, triggerRef }}>{children}</SheetContext.Provider>;
}

/** The phone's "Filters" button, with the number of filters in use; hidden where the sidebar shows (lg and up). */
export function FilterSheetButton({ active }: { active: number }) {
  const { open, setOpen, sheetId, triggerRef } = useSheet();
  return (
    <button
      ref={triggerRef}
      type="button"
      aria-haspopup="dialog"
      aria-expanded={open}
      aria-controls={sheetId}
      onClick={() => setOpen(true)}
      className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:border-neutral-500 lg:hidden"
    >
      Filters{active > 0 ? ` (${active})` : ""}
    </button>
  );
}

const focusable = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The refine controls: the sidebar on a desktop, a bottom sheet on a phone (a modal dialog:
 * labelled by its title, focus kept inside, Escape or the backdrop closes it and focus goes
 * back to the button). Submitting or following a link inside closes it.
 */
export function FilterSheet({ title, children }: { title: string; children: ReactNode }) {
  const { open, setOpen, sheetId, triggerRef } = useSheet();
  const panelRef = useRef<HTMLDivElement>(null);
  const titleId = `${sheetId}-title`;

  useEffect(() => {
    if (!open) return;
    panelRef.current?.querySelector<HTMLElement>(focusable)?.focus();
    const overflow = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    return () => {
      document.body.style.overflow = overflow;
    };
  }, [open]);

  function close() {
    setOpen(false);
    triggerRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!open) return;
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== "Tab") return;
    const items = [...(panelRef.current?.querySelectorAll<HTMLElement>(focusable) ?? [])].filter((el) => el.offsetParent !== null);
    const [first, last] = [items[0], items.at(-1)];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function onClick(event: MouseEvent<HTMLDivElement>) {
    if (!open) return;
    if (event.target === event.currentTarget || (event.target as HTMLElement).closest("a[href]")) setOpen(false);
  }

  return (
    <div
      id={sheetId}
      onKeyDown={onKeyDown}
      onClick={onClick}
      onSubmit={() => setOpen(false)}
      className={open ? "fixed inset-0 z-40 flex items-end bg-black/40 lg:static lg:block lg:bg-transparent" : "hidden lg:block"}
      data-testid="filter-sheet"
      data-open={open ? "true" : undefined}
    >
      <div
        ref={panelRef}
        role={open ? "dialog" : undefined}
        aria-modal={open ? true : undefined}
        aria-labelledby={open ? titleId : undefined}
        className={
          open
            ? "flex max-h-[85vh] w-full flex-col gap-4 overflow-y-auto rounded-t-xl bg-neutral-50 p-4 shadow-lg lg:max-h-none lg:rounded-none lg:bg-transparent lg:p-0 lg:shadow-none"
            : "flex flex-col gap-4"
        }
      >
        {open && (
          <div className="flex items-center justify-between lg:hidden">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            <button type="button" onClick={close} className="rounded-md border border-neutral-300 bg-white px-3 py-1 text-sm font-medium hover:border-neutral-500">
              Close
            </button>
          </div>
        )}
        {children}
      </div>
    </div>
  );
}

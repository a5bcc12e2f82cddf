import type { ReactNode } from "react";

/** The shell every console page shares: a section labelled by its heading, an optional intro line, then the page's content. */
export function ConsolePage({ id, title, intro, wide = false, children }: { id: string; title: ReactNode; intro?: ReactNode; wide?: boolean; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className={`flex flex-col ${wide ? "gap-6" : "gap-4"}`}>
      <h1 id={`${id}-heading`} className="text-2xl font-semibold tracking-tight">
        {title}
      </h1>
      {intro === undefined ? null : <p className="text-sm text-neutral-700">{intro}</p>}
      {children}
    </section>
  );
}

"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const links = [
  { href: "/admin", label: "Quality" },
  { href: "/admin/suspects", label: "Suspected mislabels" },
  { href: "/admin/duplicates", label: "Duplicates & blank photos" },
  { href: "/admin/import", label: "Import" },
] as const;

/** The console's own navigation; the current page is marked for assistive technology too. */
export function ConsoleNav() {
  const current = usePathname();
  return (
    <nav aria-label="Console" className="flex flex-wrap gap-x-4 gap-y-2">
      {links.map(({ href, label }) => (
        <Link
          key={href}
          href={href}
          aria-current={current === href ? "page" : undefined}
          className="text-sm text-neutral-700 underline-offset-4 hover:text-neutral-900 hover:underline aria-[current=page]:font-semibold aria-[current=page]:text-neutral-900 aria-[current=page]:underline"
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}

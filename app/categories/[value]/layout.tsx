import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { getPageRuntime } from "@/lib/server/page-runtime";

type Props = { children: ReactNode; params: Promise<{ value: string }> };

/**
 * Answers an unknown category with a real 404. The check sits in this layout, above
 * the page's loading boundary: once that boundary streams, the status is already 200.
 */
export default async function CategoryLayout({ children, params }: Props) {
  const { value } = await params;
  const runtime = await getPageRuntime();
  // A runtime that failed to load is the page's to explain (ErrorPanel), not a 404.
  if (runtime.ok && !runtime.value.service.items.some((item) => item.articleType === value)) notFound();
  return children;
}

import Link from "next/link";
import { connection } from "next/server";

export default async function NotFound() {
  // Rendered per request, so its scripts carry the CSP nonce (a prerendered page has none).
  await connection();
  return (
    <div className="mx-auto max-w-xl rounded-lg border border-neutral-200 bg-white p-6">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-1 text-sm text-neutral-600">There is no such product or category in this catalog.</p>
      <div className="mt-4 flex gap-4 text-sm">
        <Link href="/" className="text-blue-800 underline">
          New search
        </Link>
        <Link href="/categories" className="text-blue-800 underline">
          Browse categories
        </Link>
      </div>
    </div>
  );
}

import { toImageUrl } from "@/app/api/item-schema";

/** A catalog photo at thumbnail size; `alt` says which product it is. */
export function ItemPhoto({ id, alt, size = "md" }: { id: string; alt: string; size?: "sm" | "md" }) {
  const height = size === "sm" ? "h-16" : "h-28";
  return (
    // eslint-disable-next-line @next/next/no-img-element
    <img src={toImageUrl(id)} alt={alt} width={60} height={80} loading="lazy" className={`${height} w-auto self-start rounded border border-neutral-200 bg-white object-contain`} />
  );
}

import path from "node:path";
import { readCatalog } from "../../lib/catalog/store";
import { e2eCatalogDir } from "./server";
import type { PhotoFile } from "../pages/home-page";

export type E2eItem = { id: string; articleType: string; gender: string; imageHash: string; productDisplayName: string };

/** The served catalog's items (only the fields the tests need). */
export async function readCatalogItems(): Promise<E2eItem[]> {
  return (await readCatalog(path.resolve(e2eCatalogDir))).items;
}

/** Items whose photo no other item shares, so "rank 1 is the item itself" is well defined. */
export function withUniquePhoto(items: E2eItem[]): E2eItem[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.imageHash, (counts.get(item.imageHash) ?? 0) + 1);
  return items.filter((item) => counts.get(item.imageHash) === 1);
}

/** An item's catalog photo, fetched from the app as a browser upload would carry it. */
export async function fetchPhoto(baseUrl: string, item: E2eItem): Promise<PhotoFile> {
  const response = await fetch(`${baseUrl}/api/images/${encodeURIComponent(item.id)}`);
  if (!response.ok) throw new Error(`GET /api/images/${item.id}: ${response.status}`);
  return {
    name: `${item.id}.jpg`,
    mimeType: response.headers.get("content-type") ?? "image/jpeg",
    buffer: Buffer.from(await response.arrayBuffer()),
  };
}

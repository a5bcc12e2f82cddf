import { z } from "zod";

/** The split an item belongs to; `excluded` items are served but not part of the eval protocol. */
export const splitNames = ["train", "val", "test", "excluded"] as const;
export type SplitName = (typeof splitNames)[number];

/**
 * The product's own fields besides its id: the data set's styles.csv columns, in its
 * column order. The one list the CSV reader, the catalog record, the admin API's
 * fields and the CLI options are built from.
 */
export const productFields = [
  "gender",
  "masterCategory",
  "subCategory",
  "articleType",
  "baseColour",
  "season",
  "year",
  "usage",
  "productDisplayName",
] as const;
export type ProductField = (typeof productFields)[number];

/** One entry per key, in the keys' order (zod shapes from a field list, key types kept). */
export function buildRecord<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;
}

/** One product of a built catalog, as stored in `<catalogDir>/items.json`. */
export const catalogItemSchema = z.object({
  /** The catalog's own id (the CSV `id`), always a string. */
  id: z.string().min(1),
  ...buildRecord(productFields, () => z.string()),
  /** sha256 (hex) of the original image bytes; the image lives at images/<hash>.<ext>. */
  imageHash: z.string().regex(/^[0-9a-f]{64}$/),
  imageExt: z.enum(["jpg", "png", "webp", "gif"]),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The label used for the split and the metrics (articleType by default). */
  label: z.string(),
  split: z.enum(splitNames),
  /** The photo shows nothing (lib/image/blank-photo.ts): stored and listed, never a search result. */
  blank: z.literal(true).optional(),
});
export type CatalogItem = z.infer<typeof catalogItemSchema>;

const catalogImageExts: Readonly<Record<string, CatalogItem["imageExt"]>> = { jpeg: "jpg", png: "png", gif: "gif", webp: "webp" };

/** The extension a catalog photo is stored under, from the format acceptImage(…, "catalog") accepted. */
export function toCatalogImageExt(format: string): CatalogItem["imageExt"] {
  const ext = catalogImageExts[format];
  if (!ext) throw new Error(`No catalog extension for ${format}: the catalog image rule and this table disagree`);
  return ext;
}

/** `<catalogDir>/catalog.json`: what was built, from what, and what the ingest saw. */
export const catalogManifestSchema = z.object({
  version: z.literal(1),
  createdAt: z.string(),
  source: z.object({ images: z.string(), csv: z.string() }),
  labelColumn: z.string(),
  minPerLabel: z.number().int().nonnegative(),
  seed: z.number().int(),
  itemCount: z.number().int().nonnegative(),
  labels: z.array(z.object({ label: z.string(), count: z.number().int() })),
});
export type CatalogManifest = z.infer<typeof catalogManifestSchema>;

import { createHash } from "node:crypto";
import { storeImage } from "../catalog/store";
import { toCatalogImageExt, type CatalogItem } from "../catalog/types";
import { AppError } from "../errors";
import { acceptImage } from "../image/accept";
import { stripPhotoMetadata } from "../image/strip-metadata";
import { labelFor } from "../search/category-ranker";
import { DEFAULT_DUPLICATE_COSINE } from "../search/collapse";
import type { SearchService } from "../search/types";
import type { StoreHit, StoreQuery } from "../vector-store/types";
import type { ItemPatch, NewItemFields } from "./item-fields";

/** What an edit needs: the service (model + store), where photos go, and how to run CPU-heavy work. */
export type EditorContext = {
  service: SearchService;
  /** The catalog directory; photos are stored content-addressed in its images/. */
  catalogDir: string;
  maxPixels: number;
  /** Runs the decode + embed step, e.g. through the server's inference queue; direct by default. */
  runHeavy?: <T>(work: () => Promise<T>) => Promise<T>;
};

export type AddOptions = {
  /** Cosine from which an existing product counts as a near-duplicate (default 0.97). */
  duplicateThreshold?: number;
  /** Refuse the add when a near-duplicate exists. */
  rejectDuplicates?: boolean;
  /** Replace a product with the same id instead of refusing (imports); identical input is left as is. */
  replace?: boolean;
};

export type NearDuplicate = { id: string; score: number; productDisplayName: string };

export type AddResult = {
  item: CatalogItem;
  status: "added" | "replaced" | "unchanged";
  duplicates: NearDuplicate[];
};

/**
 * Adds one product: checks the photo, embeds it with the served model, reports
 * near-duplicates, stores the photo content-addressed, then writes the record and
 * vector to the store (durable when this returns; searchable at once).
 */
export async function addItem(ctx: EditorContext, photo: Uint8Array, fields: NewItemFields, options: AddOptions = {}): Promise<AddResult> {
  const { service } = ctx;
  const info = await acceptImage(photo, "catalog", { maxPixels: ctx.maxPixels });
  const imageExt = toCatalogImageExt(info.format);
  const run = ctx.runHeavy ?? ((work) => work());
  // Stored and served stripped (upright, no EXIF/GPS/XMP/ICC), so the hash is of those bytes; the
  // vector is of the upload itself (also upright): re-encoding moves it (docs/robustness.md).
  const stored = await run(() => stripPhotoMetadata(photo, info.format, { maxPixels: ctx.maxPixels }));
  const imageHash = createHash("sha256").update(stored.bytes).digest("hex");
  const item: CatalogItem = {
    ...fields,
    imageHash,
    imageExt,
    width: stored.width,
    height: stored.height,
    label: labelFor(service.model, fields),
    // Added products are served but never part of the evaluation protocol.
    split: "excluded",
  };
  // A first look before the slow embedding; the decision that counts is taken again under the write lock.
  const existing = await service.getEntry(fields.id);
  if (existing && !options.replace) throw idTaken(fields.id);
  if (existing && sameItem(existing.item, item)) return { item: existing.item, status: "unchanged", duplicates: [] };
  const { vector } = await run(() => service.embedPhoto(photo));
  const threshold = options.duplicateThreshold ?? DEFAULT_DUPLICATE_COSINE;
  let duplicates = await findNearDuplicates(service.nearest.bind(service), vector, fields.id, threshold);
  if (options.rejectDuplicates) refuseDuplicates(duplicates);
  // The photo is on disk before the record that points at it is logged.
  await storeImage(ctx.catalogDir, item, stored.bytes);
  let unchanged: CatalogItem | undefined;
  // Under the store's write lock, on its latest state: another add of this id, or of a near-duplicate, may have come first.
  const [status] = await service.upsert([{ item, vector }], {
    guard: async (latest) => {
      const current = await latest.get(fields.id);
      if (current && !options.replace) throw idTaken(fields.id);
      if (current && sameItem(current.item, item)) {
        unchanged = current.item;
        return new Set([fields.id]);
      }
      duplicates = await findNearDuplicates(latest.search, vector, fields.id, threshold);
      if (options.rejectDuplicates) refuseDuplicates(duplicates);
    },
  });
  if (unchanged) return { item: unchanged, status: "unchanged", duplicates: [] };
  return { item, status: status ?? "added", duplicates };
}

function idTaken(id: string): AppError {
  return new AppError("conflict", `A product with id ${id} exists already: PATCH or DELETE it, or import with replacement.`);
}

function refuseDuplicates(duplicates: readonly NearDuplicate[]): void {
  if (duplicates.length === 0) return;
  const list = duplicates.map((d) => `${d.id} (cosine ${d.score.toFixed(3)})`).join(", ");
  throw new AppError("conflict", `Rejected as a near-duplicate of ${list}. Add it without rejectDuplicates to keep both.`);
}

/** Existing products whose cosine to `vector` is at least `threshold`, best first (the id itself excluded), by a plain nearest search. */
export async function findNearDuplicates(
  nearest: (vector: Float32Array, query: StoreQuery) => Promise<StoreHit[]>,
  vector: Float32Array,
  id: string,
  threshold: number,
): Promise<NearDuplicate[]> {
  const hits = await nearest(vector, { k: 10, excludeIds: [id] });
  return hits
    .filter((hit) => hit.score >= threshold)
    .map((hit) => ({ id: hit.item.id, score: hit.score, productDisplayName: hit.item.productDisplayName }));
}

/**
 * Changes a product's metadata; `not_found` for an unknown id. The change is merged onto
 * the record as stored when the write lock is held, and the label recomputed there, so
 * concurrent patches of other fields never write back a stale label.
 */
export async function updateItem(ctx: EditorContext, id: string, patch: ItemPatch): Promise<CatalogItem> {
  const { service } = ctx;
  const changes = dropUndefined(patch);
  return service.update(id, (current) => ({ ...changes, label: labelFor(service.model, { ...current, ...changes }) }));
}

/** Removes products; returns how many existed. Their photos stay (content-addressed, maybe shared). */
export async function removeItems(ctx: EditorContext, ids: readonly string[]): Promise<number> {
  return ctx.service.remove(ids);
}

function sameItem(a: CatalogItem, b: CatalogItem): boolean {
  return (Object.keys(b) as (keyof CatalogItem)[]).every((key) => a[key] === b[key]);
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

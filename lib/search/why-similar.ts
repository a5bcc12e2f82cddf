import { promises as fs } from "node:fs";
import type { CatalogItem } from "../catalog/types";
import { fuseQueryVector, type SearchMode } from "../colour/colour-fusion";
import { predictColourName } from "../colour/colour-names";
import { AppError } from "../errors";
import type { CellGrid } from "../explain/cell-contributions";
import type { ExplainModel } from "../explain/explain-model";
import { backgroundFill } from "../explain/mask-cells";
import { occludeCells } from "../explain/pixel-occlusion";
import type { DecodeLimits } from "../image/decode";
import { normalisePixels, toModelPixels } from "../image/preprocess";
import { toColourFamily } from "../metrics/colour-families";
import type { QueryRegion, RegionRequest } from "../region/query-region";
import { labelColumnOf } from "./category-ranker";
import { prepareQueryInput } from "./image-query";
import type { SearchService } from "./types";

/** One photo's side of an explanation: the per-cell contributions over the picture the model saw. */
export type ExplainedPhoto = {
  grid: CellGrid;
  /** Row-major, grid.rows × grid.cols: cosine taken away when the cell's pixels are masked (positive = shared with the other photo). */
  cells: number[];
  /** The model-sized RGB the cells lie over (height×width×3, uint8). */
  view: { rgb: Uint8Array; width: number; height: number };
};

/** Whether query and product agree on one attribute; `same` is null when either side does not say. */
export type Agreement = { query: string | null; item: string | null; same: boolean | null };

export type WhySimilar = {
  query: ExplainedPhoto & { region: QueryRegion };
  item: ExplainedPhoto & { id: string };
  /** Cosine of the two served embeddings (the colour fused into search vectors not included). */
  similarity: number;
  agreements: { category: Agreement; colour: Agreement; gender: Agreement };
};

/** What an explanation needs from the search service. */
export type WhySimilarService = Pick<SearchService, "model" | "getItem" | "imageFile" | "nearest">;

/** Runs one onnxruntime task; the web facade passes its inference queue, so searches slip in between an explanation's runs. */
export type ScheduleRun = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Why a catalog product matched a query photo: the query prepared exactly as the search
 * prepares it (region, crop) and the product's photo exactly as the catalog embedded it, both
 * through the served graph's explain session; each cell of each photo scored by pixel-space
 * occlusion (occludeCells: its block filled with the model's background, as the faithfulness
 * test masks it, the photo re-embedded, the cosine to the other photo's embedding it takes
 * away: 42 cells × 2 photos in batches of OCCLUSION_BATCH); and whether the category (the classifier's
 * guess vs the product's label), colour family (the region's colour name vs the product's
 * baseColour) and gender (the majority of the query's nearest products vs the product's) agree.
 */
export async function explainSimilarity(
  service: WhySimilarService,
  explainer: ExplainModel,
  bytes: Uint8Array,
  itemId: string,
  request: RegionRequest,
  mode: SearchMode,
  limits: DecodeLimits,
  schedule: ScheduleRun = (task) => task(),
): Promise<WhySimilar> {
  const item = service.getItem(itemId);
  if (!item) throw new AppError("not_found", "No product with that id");
  const { model } = service;
  const query = await prepareQueryInput(model, bytes, limits, request);
  const itemRgb = await toModelPixels(await fs.readFile(service.imageFile(item.id).path), model.preprocess, limits);
  const { height, width } = model.preprocess;
  const itemPixels = normalisePixels(itemRgb, model.preprocess);
  const batch = new Float32Array(query.pixels.length * 2);
  batch.set(query.pixels, 0);
  batch.set(itemPixels, query.pixels.length);
  const [q, p] = await schedule(() => explainer.run(batch, 2));
  if (!q || !p) throw new AppError("internal", "The explain session returned fewer images than it was given");
  const grid = { rows: q.maps.last.rows, cols: q.maps.last.cols };
  const fill = backgroundFill(model.preprocess);
  const embed = (pixels: Float32Array, n: number) => schedule(() => explainer.embedPixels(pixels, n));
  const qSide = await occludeCells(query.pixels, { height, width }, grid, fill, q.embedding, p.embedding, embed);
  const pSide = await occludeCells(itemPixels, { height, width }, grid, fill, p.embedding, q.embedding, embed);

  const queryLabel = topLabel(model.classifier?.labels, q.probabilities);
  const colourName = model.colour ? (predictColourName(query.colour, model.colour)?.label ?? null) : null;
  const vector = model.colour ? fuseQueryVector(q.embedding, query.colour, model.colour, mode) : q.embedding;
  const neighbours = await service.nearest(vector, { k: model.ranking?.neighbours ?? 10 });
  return {
    query: { grid: qSide.grid, cells: Array.from(qSide.contributions), view: { rgb: query.rgb, width, height }, region: query.region },
    item: { id: item.id, grid: pSide.grid, cells: Array.from(pSide.contributions), view: { rgb: itemRgb, width, height } },
    similarity: qSide.similarity,
    agreements: {
      category: agree(queryLabel, String(item[labelColumnOf(model)] ?? ""), (a, b) => a === b),
      colour: agree(colourName, item.baseColour, (a, b) => toColourFamily(a) !== null && toColourFamily(a) === toColourFamily(b)),
      gender: agree(majorityOf(neighbours.map((hit) => hit.item)), item.gender, (a, b) => a === b),
    },
  };
}

function agree(query: string | null, item: string, same: (a: string, b: string) => boolean): Agreement {
  const known = item.trim() === "" || item === "NA" ? null : item;
  return { query, item: known, same: query === null || known === null ? null : same(query, known) };
}

function topLabel(labels: readonly string[] | undefined, probabilities: Float32Array | undefined): string | null {
  if (!labels || !probabilities || probabilities.length !== labels.length) return null;
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  return labels[best] ?? null;
}

/** The gender most of the query's nearest products have (the first-met on a tie), null when none says. */
function majorityOf(items: readonly CatalogItem[]): string | null {
  const counts = new Map<string, number>();
  for (const item of items) if (item.gender) counts.set(item.gender, (counts.get(item.gender) ?? 0) + 1);
  let best: string | null = null;
  for (const [gender, count] of counts) if (best === null || count > counts.get(best)!) best = gender;
  return best;
}

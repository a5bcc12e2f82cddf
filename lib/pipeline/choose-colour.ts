import type { CatalogItem } from "../catalog/types";
import type { ColourDescriptorConfig } from "../colour/colour-descriptor";
import { fuseItemVectors, type ColourFusion } from "../colour/colour-fusion";
import { fitColourNames, nameColour, predictColourName } from "../colour/colour-names";
import type { LearnedColour } from "../colour/learned-colour";
import { FlatIndex } from "../index/flat-index";
import { createAttributeRelevances } from "../metrics/attribute-relevance";
import type { ModelManifest } from "../model/manifest";
import type { RankingConfig } from "../search/category-ranker";
import { runProtocols, type ProtocolInput } from "./evaluate";
import { fitLearnedColour } from "./fit-colour";
import type { EmbeddedItems } from "./model-index";

/** Embedding shares tried, plain embedding first (today's ranking). */
export const EMBEDDING_SHARES = [1, 0.9, 0.8, 0.7, 0.6, 0.5] as const;
/**
 * The balanced mode may cost at most this much same-type P@5 against the plain embedding: one
 * point. (Half a point was a cliff: on the int8 backbone's head a 0.17-point type difference on
 * val flipped the choice from γ 0.5 to γ 2 and cost 2.2 points of type+colour; docs/decisions/0012.)
 */
const TYPE_TOLERANCE = 0.01;
/** The colour mode keeps at least this share of the plain embedding's same-type P@5. */
const COLOUR_MODE_TYPE_FLOOR = 0.9;
/** Index share when the balanced mode is the plain embedding (any value in (0, 1) serves every mode exactly). */
const FALLBACK_INDEX_SHARE = 0.9;
/** Weights γ of the raw descriptor beside the learned posterior's √p tried on validation. */
export const LEARNED_GAMMAS = [0, 0.5, 1, 2] as const;
/** The catalog column colour names and the learned colour come from. */
const COLOUR_COLUMN = "baseColour";

/** One validation result: embedding share, and γ when the colour vector is the learned one. */
export type ShareResult = { share: number; gamma?: number; type: number; typeColour: number; colour: number };

export type ColourChoice = {
  fusion: ColourFusion;
  shares: ShareResult[];
  /** Validation accuracy of the predicted colour name (arg-max of the learned posterior, else nearest mean descriptor), when the catalog names colours. */
  nameAccuracy?: number;
};

/**
 * Chooses the colour fusion on the validation split (queries = `input.queryRows`, index =
 * the whole filtered catalog, the served category ranking): for each embedding share μ the
 * score is μ·cos_e + (1 − μ)·cos_c; balanced = the best same-type-and-colour P@5 whose
 * same-type P@5 is within one point (TYPE_TOLERANCE) of the plain embedding's; colour = the best same-colour P@5
 * that keeps 90% of the plain same-type P@5; style = the plain embedding. When the catalog
 * names colours, the colour vector is the learned one (fitted on the train split) and γ is
 * chosen with the balanced share; colour names are then the learned posterior's arg-max
 * (else the train split's mean descriptor per baseColour).
 */
export async function chooseColourFusion(
  model: ModelManifest,
  input: ProtocolInput,
  embedded: EmbeddedItems,
  colours: Float32Array,
  descriptor: ColourDescriptorConfig,
  ranking: RankingConfig,
  labelColumn: string,
  /** false: keep the unsupervised descriptor even when the catalog names colours (the baseline). */
  learnColour = true,
): Promise<ColourChoice> {
  const { items } = input;
  const relevances = createAttributeRelevances(labelColumn).filter((r) => ["type", "type+colour", "colour"].includes(r.key));
  const n = items.length;
  const fitted = learnColour ? await fitLearnedColour(items, colours, COLOUR_COLUMN, (item) => item.baseColour) : undefined;
  const gammas: (number | undefined)[] = fitted ? [...LEARNED_GAMMAS] : [undefined];
  const shares: ShareResult[] = [];
  for (const gamma of gammas) {
    const learned: LearnedColour | undefined = fitted && { ...fitted, gamma: gamma! };
    // The plain embedding (share 1) ignores the colour vector: measured once.
    for (const share of EMBEDDING_SHARES.filter((s) => s < 1 || shares.length === 0)) {
      // Validation queries are the stored rows themselves: the trial's index share is the share measured.
      const trial: ColourFusion = { descriptor, indexShare: share, modes: { style: 1, balanced: share, colour: share }, learned };
      const vectors = fuseItemVectors(embedded.index.vectors, colours, n, trial);
      const index = new FlatIndex(vectors.length / n, embedded.index.ids, vectors);
      const [variant] = await runProtocols(model, input, { index, probabilities: embedded.probabilities }, [{ name: "val", ranking }], { relevances });
      const at5 = (key: string) => variant!.byRelevance!.find((r) => r.key === key)!.overall.pAt5;
      shares.push({ share, gamma: share < 1 ? gamma : undefined, type: at5("type"), typeColour: at5("type+colour"), colour: at5("colour") });
    }
  }
  const plain = shares[0]!;
  const best = (pool: ShareResult[], by: (r: ShareResult) => number) => pool.reduce((a, b) => (by(b) > by(a) ? b : a));
  const balanced = best(shares.filter((r) => r.type >= plain.type - TYPE_TOLERANCE), (r) => r.typeColour);
  // The index holds one colour vector: the colour mode is chosen among the balanced mode's γ.
  const gamma = balanced.gamma ?? LEARNED_GAMMAS[0];
  const sameGamma = shares.filter((r) => r.share === 1 || r.gamma === gamma);
  const colourMode = best(sameGamma.filter((r) => r.type >= COLOUR_MODE_TYPE_FLOOR * plain.type), (r) => r.colour);
  const fusion: ColourFusion = {
    descriptor,
    indexShare: balanced.share < 1 ? balanced.share : FALLBACK_INDEX_SHARE,
    modes: { style: 1, balanced: balanced.share, colour: colourMode.share },
  };
  if (fitted) {
    const learned = { ...fitted, gamma };
    const withLearned = { ...fusion, learned };
    return { fusion: withLearned, shares, nameAccuracy: scoreColourNames(items, colours, input.queryRows, withLearned, new Set(learned.labels)) };
  }
  const named = nameColours(items, colours, input.queryRows);
  return { fusion: named ? { ...fusion, names: named.names } : fusion, shares, nameAccuracy: named?.accuracy };
}

/** How often the fusion's predicted colour name is a validation item's baseColour (items whose colour it knows). */
function scoreColourNames(items: readonly CatalogItem[], colours: Float32Array, valRows: readonly number[], fusion: ColourFusion, known: Set<string>): number {
  const dim = colours.length / Math.max(items.length, 1);
  const judged = valRows.filter((row) => known.has(items[row]!.baseColour));
  const right = judged.filter((row) => predictColourName(colours.subarray(row * dim, (row + 1) * dim), fusion)?.label === items[row]!.baseColour).length;
  return right / Math.max(judged.length, 1);
}

/** Colour names from the train split, and how often they name a validation item's baseColour. */
function nameColours(items: readonly CatalogItem[], colours: Float32Array, valRows: readonly number[]) {
  const dim = colours.length / Math.max(items.length, 1);
  const trainRows = items.flatMap((item, row) => (item.split === "train" && item.baseColour ? [row] : []));
  const train = new Float32Array(trainRows.length * dim);
  trainRows.forEach((row, i) => train.set(colours.subarray(row * dim, (row + 1) * dim), i * dim));
  const names = fitColourNames(train, trainRows.map((row) => items[row]!.baseColour), "baseColour");
  if (!names) return undefined;
  const known = new Set(names.labels);
  const judged = valRows.filter((row) => known.has(items[row]!.baseColour));
  const right = judged.filter((row) => nameColour(colours.subarray(row * dim, (row + 1) * dim), names).label === items[row]!.baseColour).length;
  return { names, accuracy: right / Math.max(judged.length, 1) };
}

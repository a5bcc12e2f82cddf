import type { StoreHit } from "../vector-store/types";
import type { SortOrder } from "./explore";
import { bandOf, BAND_FLOOR, type QualityScale } from "./match-quality";
import type { SearchHit } from "./types";

/** Rated results and whether any of them clears the Good band. */
export type RatedHits = { hits: SearchHit[]; noCloseMatch: boolean };

/**
 * Gives each hit its match quality from its ranking score (cosine + the category boost it
 * was ranked by) and drops hits under `minQuality`, keeping the ranking's order.
 * `noCloseMatch` is judged before that cut.
 */
export function rateHits(
  hits: readonly StoreHit[],
  scale: QualityScale,
  labelBoost: Readonly<Record<string, number>> | undefined,
  minQuality = 0,
): RatedHits {
  const rated = hits.map((hit) => {
    const rankingScore = hit.score + (labelBoost?.[hit.item.label] ?? 0);
    const quality = scale.rate(rankingScore);
    return { ...hit, rankingScore, quality, band: bandOf(quality) };
  });
  return {
    hits: rated.filter((hit) => hit.quality >= minQuality),
    noCloseMatch: !rated.some((hit) => hit.quality >= BAND_FLOOR.good),
  };
}

/**
 * A page in the order of what it shows: best quality first (stable). Quality rises with
 * the ranking score, so this only moves the strongest plain matches the ranking keeps in
 * a page's last places (keepPlainMatches) to where their quality puts them.
 */
export function sortByQuality(page: readonly SearchHit[], sort: SortOrder): SearchHit[] {
  return sort === "match" ? [...page].sort((a, b) => b.quality - a.quality) : [...page];
}

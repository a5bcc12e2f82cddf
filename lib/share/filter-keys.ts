import type { SearchFilters } from "../search/types";

/** The catalog fields a search can be filtered on, in the order they appear in URLs. */
export const filterKeys = ["articleType", "masterCategory", "gender", "baseColour"] as const satisfies readonly (keyof SearchFilters)[];
export type FilterKey = (typeof filterKeys)[number];

/** Results per search: default and most (kept zod-free so client components can import it). */
export const K_DEFAULT = 10;
export const K_MAX = 100;

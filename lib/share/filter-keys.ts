/** Results per search: default and most (kept zod-free so client components can import it). */
export const K_DEFAULT = 10;
export const K_MAX = 100;

/**
 * The one text rule of the catalog's text search, shared by the embedded index and the
 * Postgres query: fold case and diacritics, split on anything but letters and digits, reduce
 * plurals to one stem, so "Shoes", "shoe" and "SHOES" are one term and "Café" is "cafe".
 * A hyphenated word ("T-shirt") is indexed as its parts and as one word ("tshirt", which is
 * also what the articleType "Tshirts" becomes); a query keeps it as one word.
 */

/** The most characters a text query may have (the API refuses longer ones). */
export const TEXT_MAX_CHARS = 200;
/** The most terms a text query may have after tokenising. */
export const TEXT_MAX_TERMS = 12;

/** Case and diacritics folded, apostrophes dropped ("Women's" → "womens"). */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/['’`]/g, "");
}

/** A plural reduced to its stem (shoes → shoe, watches → watch, dresses → dress, accessories → accessory); other words as they are. */
export function stemTerm(term: string): string {
  if (term.length <= 3 || /[0-9]/.test(term)) return term;
  if (term.endsWith("ies") && term.length > 4) return `${term.slice(0, -3)}y`;
  if (term.endsWith("sses")) return term.slice(0, -2);
  if (/(ch|sh|x|z)es$/.test(term)) return term.slice(0, -2);
  if (/(ss|us|is)$/.test(term)) return term;
  if (term.endsWith("s")) return term.slice(0, -1);
  return term;
}

/** Words of a folded text: runs of letters and digits, hyphenated runs kept together. */
function words(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [];
}

/** The terms a catalog field is indexed under (a hyphenated word gives its parts and the joined word). */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of words(text)) {
    const parts = word.split("-");
    if (parts.length > 1) for (const part of parts) terms.push(stemTerm(part));
    terms.push(stemTerm(parts.join("")));
  }
  return terms;
}

/** The terms of a search query, in order (a hyphenated word is one joined term). */
export function queryTerms(text: string): string[] {
  return words(text).map((word) => stemTerm(word.split("-").join("")));
}
